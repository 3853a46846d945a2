#include "TestCertificates.hpp"

#include "storage/KeyGeneration.hpp"
#include "storage/base/OpenSsl.hpp"

#include <arpa/inet.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace certa::test {
namespace {

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + ": " + ossl::last_error());
}

bool is_ip(const std::string& name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ossl::X509ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
    check(ext != nullptr, "extension");
    check(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

// A random positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets).
void set_random_serial(X509* cert) {
    unsigned char bytes[16];
    check(RAND_bytes(bytes, sizeof bytes) == 1, "random serial");
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    ossl::BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    check(bn != nullptr, "serial bignum");
    check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr, "serial");
}

// Builds an unsigned certificate with subject CN, key and validity set.
ossl::X509Ptr new_cert(const std::string& cn, EVP_PKEY* key, long not_before_offset_s, long validity_s) {
    ossl::X509Ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "version");
    set_random_serial(cert.get());
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before_offset_s) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_before_offset_s + validity_s) != nullptr,
          "notAfter");
    X509_NAME* subject = X509_get_subject_name(cert.get());
    std::string short_cn = cn.substr(0, 64);  // RFC 5280 ub-common-name
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(short_cn.c_str()), -1, -1, 0) == 1,
          "subject");
    check(X509_set_pubkey(cert.get(), key) == 1, "public key");
    return cert;
}

std::string san_value(const std::vector<std::string>& names) {
    std::string san;
    for (const auto& name : names) {
        if (!san.empty()) san += ",";
        san += (is_ip(name) ? "IP:" : "DNS:") + name;
    }
    return san;
}

TestCert make_leaf(const std::vector<std::string>& names, const std::string& key_type, const TestCert* ca,
                   long not_before_offset_s, long validity_s, const std::string& serial_hex = {}) {
    if (names.empty()) throw std::invalid_argument("test certificate needs at least one name");
    auto key = storage::generate_key(key_type);
    auto cert = new_cert(names.front(), key.get(), not_before_offset_s, validity_s);
    if (!serial_hex.empty()) {
        BIGNUM* raw = nullptr;
        check(BN_hex2bn(&raw, serial_hex.c_str()) > 0, "serial hex");
        ossl::BignumPtr bn(raw);
        check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr, "serial");
    }

    ossl::X509Ptr ca_cert;
    ossl::PKeyPtr ca_key;
    if (ca) {
        auto parsed = ossl::parse_chain_pem(ca->cert_pem);
        check(!parsed.empty(), "CA certificate");
        ca_cert = std::move(parsed.front());
        ca_key = ossl::parse_key_pem(ca->key_pem);
        check(ca_key != nullptr, "CA key");
        check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) == 1, "issuer");
    } else {
        check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1, "issuer");
    }
    X509* issuer = ca ? ca_cert.get() : cert.get();
    add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), issuer, NID_subject_alt_name, san_value(names));
    add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
    if (ca) add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");

    EVP_PKEY* signer = ca ? ca_key.get() : key.get();
    check(X509_sign(cert.get(), signer, EVP_sha256()) > 0, "sign");

    TestCert out;
    out.cert_pem = ossl::to_pem(cert.get());
    out.key_pem = ossl::to_pem(key.get());
    out.chain_pem = out.cert_pem + (ca ? ca->cert_pem : std::string());
    return out;
}

}  // namespace

TestCert make_self_signed(std::vector<std::string> names, const std::string& key_type, long not_before_offset_s,
                          long validity_s) {
    return make_leaf(names, key_type, nullptr, not_before_offset_s, validity_s);
}

TestCert make_self_signed_with_serial(std::vector<std::string> names, const std::string& serial_hex) {
    return make_leaf(names, "ec256", nullptr, -60, 86400, serial_hex);
}

TestCert make_ca(const std::string& common_name) {
    auto key = storage::generate_key("ec256");
    auto cert = new_cert(common_name, key.get(), -3600, 10L * 365 * 86400);
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1, "issuer");
    add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign CA");
    TestCert out;
    out.cert_pem = ossl::to_pem(cert.get());
    out.key_pem = ossl::to_pem(key.get());
    out.chain_pem = out.cert_pem;
    return out;
}

TestCert make_issued(std::vector<std::string> names, const std::string& key_type, const TestCert& issuer_ca,
                     long not_before_offset_s, long validity_s) {
    return make_leaf(names, key_type, &issuer_ca, not_before_offset_s, validity_s);
}

storage::CertificateRecord certificate_record(std::int64_t not_before, std::int64_t lifetime,
                                              const std::string& serial) {
    storage::CertificateRecord c;
    c.id = 7;
    c.not_before = not_before;
    c.not_after = not_before + lifetime;
    c.serial_hex = serial;
    c.names = {"a.example", "b.example"};
    return c;
}

}  // namespace certa::test
