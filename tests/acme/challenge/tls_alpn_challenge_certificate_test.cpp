#include "acme/challenge/TlsAlpnChallengeCertificate.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

using namespace certa;

namespace {

std::string sha256(const std::string& s) {
    unsigned char md[32];
    unsigned int len = 0;
    REQUIRE(EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr) == 1);
    return std::string(reinterpret_cast<char*>(md), len);
}

X509_EXTENSION* find_acme_extension(X509* cert) {
    ASN1_OBJECT* oid = OBJ_txt2obj(acme::kAcmeIdentifierOid, 1);
    REQUIRE(oid != nullptr);
    int idx = X509_get_ext_by_OBJ(cert, oid, -1);
    ASN1_OBJECT_free(oid);
    return idx < 0 ? nullptr : X509_get_ext(cert, idx);
}

}  // namespace

TEST_CASE("acmeIdentifier extension: critical, OID 1.3.6.1.5.5.7.1.31, DER OCTET STRING of SHA-256(keyauth)") {
    const std::string keyauth = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    auto made = acme::TlsAlpnChallengeCertificate::create(acme::Identifier::parse("www.example.com"), keyauth);
    auto chain = ossl::parse_chain_pem(made.cert_pem);
    REQUIRE(chain.size() == 1);
    X509* cert = chain[0].get();

    X509_EXTENSION* ext = find_acme_extension(cert);
    REQUIRE(ext != nullptr);
    CHECK(X509_EXTENSION_get_critical(ext) == 1);
    char oid[64];
    OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
    CHECK(std::string(oid) == "1.3.6.1.5.5.7.1.31");

    ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    const std::string value(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                            static_cast<size_t>(ASN1_STRING_length(data)));
    // 0x04 (OCTET STRING), 0x20 (32 bytes), then the digest.
    REQUIRE(value.size() == 34);
    CHECK(static_cast<unsigned char>(value[0]) == 0x04);
    CHECK(static_cast<unsigned char>(value[1]) == 0x20);
    CHECK(value.substr(2) == sha256(keyauth));
    CHECK(value == acme::acme_identifier_extension_value(keyauth));
    CHECK(value.substr(2) != sha256(keyauth + "x"));
}

TEST_CASE("challenge certificate is self-signed with the identifier as its only SAN") {
    auto made = acme::TlsAlpnChallengeCertificate::create(acme::Identifier::parse("Host.Example.org"), "tok.thumb");
    auto chain = ossl::parse_chain_pem(made.cert_pem);
    REQUIRE(chain.size() == 1);
    X509* cert = chain[0].get();
    ossl::PKeyPtr key = ossl::parse_key_pem(made.key_pem);
    REQUIRE(key);
    CHECK(ossl::key_matches(cert, key.get()));
    CHECK(X509_verify(cert, key.get()) == 1);
    CHECK(X509_check_host(cert, "host.example.org", 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1);
    CHECK(X509_check_host(cert, "other.example.org", 0, 0, nullptr) != 1);
    CHECK(X509_cmp_current_time(X509_get0_notAfter(cert)) > 0);
    CHECK(X509_cmp_current_time(X509_get0_notBefore(cert)) < 0);

    ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    REQUIRE(names);
    CHECK(sk_GENERAL_NAME_num(names.get()) == 1);
}

TEST_CASE("an IP identifier gets an iPAddress SAN (RFC 8738 §4)") {
    auto made = acme::TlsAlpnChallengeCertificate::create(acme::Identifier::parse("127.0.0.1"), "tok.thumb");
    auto chain = ossl::parse_chain_pem(made.cert_pem);
    REQUIRE(chain.size() == 1);
    CHECK(X509_check_ip_asc(chain[0].get(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(chain[0].get(), "127.0.0.2", 0) != 1);
    ossl::GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(chain[0].get(), NID_subject_alt_name, nullptr, nullptr)));
    REQUIRE(names);
    REQUIRE(sk_GENERAL_NAME_num(names.get()) == 1);
    CHECK(sk_GENERAL_NAME_value(names.get(), 0)->type == GEN_IPADD);
}
