#include "acme/challenge/TlsAlpnChallengeCertificate.hpp"

#include "acme/request/SubjectAltNames.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/KeyType.hpp"
#include "storage/base/Clock.hpp"
#include "storage/base/OpenSsl.hpp"

#include <openssl/rand.h>

#include <ctime>
#include <stdexcept>

namespace certa::acme {
namespace {

using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT, ASN1_OBJECT_free>>;

void check(int ok, const char* what) {
    if (ok != 1) throw std::runtime_error(std::string("challenge certificate: ") + what + ": " + ossl::last_error());
}

std::string sha256(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    check(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr), "SHA-256");
    return std::string(reinterpret_cast<char*>(md), len);
}

void set_random_serial(X509* cert) {
    unsigned char bytes[16];
    check(RAND_bytes(bytes, sizeof bytes), "serial");
    bytes[0] &= 0x7F;  // positive
    ossl::BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) check(0, "serial");
}

}  // namespace

std::string acme_identifier_extension_value(const std::string& key_authorization) {
    const std::string digest = sha256(key_authorization);
    ossl::Asn1OctetPtr octets(ASN1_OCTET_STRING_new());
    if (!octets) throw std::runtime_error("out of memory");
    check(ASN1_OCTET_STRING_set(octets.get(), reinterpret_cast<const unsigned char*>(digest.data()),
                                static_cast<int>(digest.size())),
          "octet string");
    int len = i2d_ASN1_OCTET_STRING(octets.get(), nullptr);
    if (len <= 0) check(0, "DER");
    std::string der(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_ASN1_OCTET_STRING(octets.get(), &p);
    return der;
}

TlsAlpnChallengeCertificate TlsAlpnChallengeCertificate::create(const Identifier& identifier,
                                                                const std::string& key_authorization,
                                                                long validity_s) {
    ossl::PKeyPtr key = storage::generate_key(storage::kEc256);
    ossl::X509Ptr cert(X509_new());
    if (!cert) throw std::runtime_error("out of memory");
    check(X509_set_version(cert.get(), 2), "version");
    set_random_serial(cert.get());
    std::time_t now = static_cast<std::time_t>(storage::unix_now());
    if (!X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -3600, &now) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, validity_s, &now))
        check(0, "validity");

    // Self-signed: subject == issuer. The CN is informational only.
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string cn = identifier.value.size() <= 64 ? identifier.value : "acme-tls/1";
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                     -1, -1, 0),
          "subject");
    check(X509_set_issuer_name(cert.get(), name), "issuer");
    check(X509_set_pubkey(cert.get(), key.get()), "public key");

    ossl::X509ExtPtr san = subject_alt_names({identifier});
    check(X509_add_ext(cert.get(), san.get(), -1), "subjectAltName");

    // RFC 8737 §3: "The acmeIdentifier extension MUST be critical".
    Asn1ObjectPtr oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
    const std::string value = acme_identifier_extension_value(key_authorization);
    ossl::Asn1OctetPtr wrapped(ASN1_OCTET_STRING_new());
    if (!oid || !wrapped) check(0, "acmeIdentifier");
    check(ASN1_OCTET_STRING_set(wrapped.get(), reinterpret_cast<const unsigned char*>(value.data()),
                                static_cast<int>(value.size())),
          "acmeIdentifier");
    ossl::X509ExtPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, wrapped.get()));
    if (!ext) check(0, "acmeIdentifier");
    check(X509_add_ext(cert.get(), ext.get(), -1), "acmeIdentifier");

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) check(0, "signing");
    TlsAlpnChallengeCertificate out;
    out.cert_pem = ossl::to_pem(cert.get());
    out.key_pem = ossl::to_pem(key.get());
    out.not_after = static_cast<long long>(now) + validity_s;
    return out;
}

}  // namespace certa::acme
