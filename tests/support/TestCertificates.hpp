// Test-only certificate factory: self-signed leaves, a throwaway CA, and leaves
// issued by that CA (with an Authority Key Identifier, as a real CA's are).
// Every test that needs a certificate/key pair uses these helpers.
#pragma once

#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace certa::test {

struct TestCert {
    std::string cert_pem;   // the certificate alone
    std::string key_pem;    // its private key (PKCS#8 PEM)
    std::string chain_pem;  // leaf first, then the issuing CA (self-signed: the cert alone)
};

// A self-signed certificate for `names` (DNS names, "*.wildcards" or IP
// addresses, all placed in the SAN; the first also becomes the CN).
// key_type: ec256, ec384, rsa2048, rsa3072, rsa4096. Validity starts
// `not_before_offset_s` seconds from now and lasts `validity_s` seconds.
TestCert make_self_signed(std::vector<std::string> names, const std::string& key_type = "ec256",
                          long not_before_offset_s = -60, long validity_s = 86400);

// make_self_signed (ec256, valid for a day) with this serial (hex of a
// positive number, e.g. "80..." for a top bit that DER pads with 00).
TestCert make_self_signed_with_serial(std::vector<std::string> names, const std::string& serial_hex);

// A CA certificate (basicConstraints CA:TRUE, keyCertSign) with an EC P-256 key.
TestCert make_ca(const std::string& common_name = "certa test CA");

// A leaf for `names` signed by `issuer_ca` (from make_ca). It carries an AKI
// matching the CA's SKI and a random serial; chain_pem = leaf + CA.
TestCert make_issued(std::vector<std::string> names, const std::string& key_type,
                     const TestCert& issuer_ca, long not_before_offset_s = -60,
                     long validity_s = 86400);

// A certificate row without PEM, for rules that read only its dates and
// serial: valid from `not_before` for `lifetime` seconds, names a/b.example.
storage::CertificateRecord certificate_record(std::int64_t not_before, std::int64_t lifetime,
                                              const std::string& serial);

}  // namespace certa::test
