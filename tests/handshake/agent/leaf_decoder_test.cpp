// LeafDecoder: a leaf decoded to share its private key's EVP_PKEY, byte-exact,
// refused for any other key; parse_cert_material falls back to a plain decode when the
// shared decode refuses an encoding (a compressed point).
#include "handshake/agent/CertMaterial.hpp"
#include "handshake/agent/KeyDecoder.hpp"
#include "handshake/agent/LeafDecoder.hpp"
#include "handshake/agent/PemDer.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <string>

using namespace certa;
using namespace certa::handshake;

namespace {

std::string leaf_der(const std::string& chain_pem) {
    std::string der;
    std::size_t pos = 0;
    REQUIRE(next_pem_block(chain_pem, "CERTIFICATE", pos, der));
    return der;
}

std::string to_der(X509* cert) {
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    std::string der(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len > 0 ? len : 0));
    OPENSSL_free(out);
    return der;
}

// A self-signed P-256 certificate whose SubjectPublicKeyInfo holds a compressed
// point, and its key written before that (so the key encodes its point uncompressed).
std::pair<std::string, std::string> compressed_point_cert(const std::string& name) {
    ossl::PKeyPtr key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    ossl::BioPtr cert_bio(BIO_new(BIO_s_mem())), key_bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
    REQUIRE(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed") == 1);
    ossl::X509Ptr cert(X509_new());
    REQUIRE(X509_set_version(cert.get(), 2) == 1);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_NAME* subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name.c_str()), -1,
                               -1, 0);
    REQUIRE(X509_set_issuer_name(cert.get(), subject) == 1);
    REQUIRE(X509_set_pubkey(cert.get(), key.get()) == 1);
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    REQUIRE(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1);
    auto text = [](BIO* bio) {
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        return std::string(data, static_cast<std::size_t>(len));
    };
    return {text(cert_bio.get()), text(key_bio.get())};
}

}  // namespace

TEST_CASE("a matching key becomes the leaf's public key, and the leaf encodes to its stored bytes") {
    for (const char* type : {"ec256", "ec384", "rsa2048"}) {
        CAPTURE(type);
        const auto ca = test::make_ca();
        const auto issued = test::make_issued({"shared.example"}, type, ca);
        const auto key = decode_private_key(issued.key_pem);
        REQUIRE(key);
        const std::string der = leaf_der(issued.chain_pem);
        const auto leaf = decode_leaf_sharing_key(der, key.get());
        REQUIRE(leaf);
        CHECK(X509_get0_pubkey(leaf.get()) == key.get());
        CHECK(to_der(leaf.get()) == der);
        CHECK(X509_check_private_key(leaf.get(), key.get()) == 1);
        // The thread's default library context is back: fetching works as before.
        EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        CHECK(md != nullptr);
        EVP_MD_free(md);
    }
}

TEST_CASE("another key, a truncated or padded DER, and no key are refused") {
    const auto a = test::make_self_signed({"a.example"});
    const auto b = test::make_self_signed({"b.example"});
    const auto key_a = decode_private_key(a.key_pem);
    const auto key_b = decode_private_key(b.key_pem);
    REQUIRE(key_a);
    REQUIRE(key_b);
    const std::string der = leaf_der(a.chain_pem);
    ERR_clear_error();
    CHECK_FALSE(decode_leaf_sharing_key(der, key_b.get()));
    CHECK(ERR_peek_error() == 0);  // nothing left behind for a handshake's SSL_get_error()
    CHECK_FALSE(decode_leaf_sharing_key(der.substr(0, der.size() - 1), key_a.get()));
    CHECK_FALSE(decode_leaf_sharing_key(der + '\0', key_a.get()));
    CHECK_FALSE(decode_leaf_sharing_key(der, nullptr));
    CHECK_FALSE(decode_leaf_sharing_key("", key_a.get()));
    CHECK(decode_leaf_sharing_key(der, key_a.get()));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("parse_cert_material shares the key when it can and falls back to a plain decode when it cannot") {
    auto material_of = [&](const std::string& chain_pem, const std::string& key_pem) {
        return parse_cert_material(chain_pem, key_pem, KeyAlgorithm::EcdsaP256);
    };
    SUBCASE("uncompressed point: one shared EVP_PKEY") {
        const auto cert = test::make_self_signed({"leaf.example"});
        const auto m = material_of(cert.chain_pem, cert.key_pem);
        REQUIRE(m);
        CHECK(X509_get0_pubkey(m->leaf.get()) == m->key.get());
    }
    SUBCASE("compressed point: served through the plain decode") {
        const auto [cert_pem, key_pem] = compressed_point_cert("leaf.example");
        const auto key = decode_private_key(key_pem);
        REQUIRE(key);
        CHECK_FALSE(decode_leaf_sharing_key(leaf_der(cert_pem), key.get()));
        const auto m = material_of(cert_pem, key_pem);
        REQUIRE(m);
        CHECK(X509_get0_pubkey(m->leaf.get()) != m->key.get());
        CHECK(ossl::key_matches(m->leaf.get(), m->key.get()));
        CHECK(to_der(m->leaf.get()) == leaf_der(cert_pem));
    }
    SUBCASE("a key that belongs to another certificate: no material") {
        const auto cert = test::make_self_signed({"leaf.example"});
        const auto other = test::make_self_signed({"leaf.example"});
        CHECK_FALSE(material_of(cert.chain_pem, other.key_pem));
    }
}
