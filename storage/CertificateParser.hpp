// Reads what the store indexes from a PEM chain: the leaf's validity, serial,
// AKI, RFC 9773 ARI certID and SAN names.
#pragma once

#include "storage/base/Text.hpp"

#include "storage/base/OpenSsl.hpp"
#include "storage/StoreTypes.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace certa::storage {

struct ChainInfo {
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    std::string serial_hex;            // uppercase hex of the DER INTEGER content
    std::string aki_hex;               // uppercase hex of the AKI keyIdentifier ("" when absent)
    std::string ari_cert_id;           // "" when the leaf has no AKI
    // SAN dNSName and iPAddress entries in order: canonical (NameNormalizer,
    // exact: no trimming) when valid, else as written but lowercase.
    std::vector<std::string> names;
    std::vector<ossl::X509Ptr> chain;  // leaf first
};

// Throws StoreError (kind Invalid) when the text holds no certificate, holds
// anything that is not a certificate, or the leaf's fields cannot be read.
ChainInfo parse_chain(std::string_view chain_pem);

// RFC 9773 §4.1: base64url(AKI keyIdentifier) "." base64url(serial DER content).
std::string ari_cert_id(std::string_view aki_bytes, std::string_view serial_der_content);
// The leaf's serial as the store keeps it (certificates.serial_hex):
// uppercase hex of the DER INTEGER content, so a serial whose top bit is set
// keeps DER's leading 00. Compare serials only in this form.
std::string serial_hex(X509* leaf);


}  // namespace certa::storage
