// PEM -> DER for the lazy parse (PemDer) and the fast private-key decoder
// (KeyDecoder): same results as OpenSSL's own PEM readers, odd input refused.
#include "handshake/agent/KeyDecoder.hpp"
#include "handshake/agent/PemDer.hpp"
#include "storage/base/OpenSsl.hpp"
#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>

using namespace certa;
using namespace certa::handshake;

namespace {

std::string der_of(X509* cert) {
    unsigned char* out = nullptr;
    int len = i2d_X509(cert, &out);
    REQUIRE(len > 0);
    std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
    return der;
}

std::string sec1_pem(EVP_PKEY* key) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

TEST_CASE("next_pem_block: every certificate of a chain, in order, as OpenSSL reads them") {
    auto ca = test::make_ca();
    auto leaf = test::make_issued({"a.example"}, "ec256", ca);
    auto expected = ossl::parse_chain_pem(leaf.chain_pem);
    REQUIRE(expected.size() == 2);
    std::size_t pos = 0;
    std::string der;
    for (const auto& cert : expected) {
        REQUIRE(next_pem_block(leaf.chain_pem, "CERTIFICATE", pos, der));
        CHECK(der == der_of(cert.get()));
    }
    CHECK_FALSE(next_pem_block(leaf.chain_pem, "CERTIFICATE", pos, der));
    CHECK(der.empty());
}

TEST_CASE("next_pem_block: CRLF line ends are fine; bad base64, a missing END or another label are not") {
    auto cert = test::make_self_signed({"b.example"});
    std::string crlf;
    for (char c : cert.cert_pem) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    std::size_t pos = 0;
    std::string der;
    REQUIRE(next_pem_block(crlf, "CERTIFICATE", pos, der));
    CHECK(der == der_of(ossl::parse_chain_pem(cert.cert_pem).front().get()));

    std::string bad = cert.cert_pem;
    bad[bad.find('\n') + 5] = '#';  // inside the base64 body
    pos = 0;
    CHECK_FALSE(next_pem_block(bad, "CERTIFICATE", pos, der));
    CHECK(der.empty());

    std::string cut = cert.cert_pem.substr(0, cert.cert_pem.find("-----END"));
    pos = 0;
    CHECK_FALSE(next_pem_block(cut, "CERTIFICATE", pos, der));

    pos = 0;
    CHECK_FALSE(next_pem_block(cert.cert_pem, "PRIVATE KEY", pos, der));
    pos = 0;
    CHECK_FALSE(next_pem_block(cert.key_pem, "CERTIFICATE", pos, der));
}

TEST_CASE("decode_private_key: PKCS#8 EC and RSA keys, with right, wrong or no family hint") {
    for (const char* type : {"ec256", "ec384", "rsa2048"}) {
        CAPTURE(type);
        auto cert = test::make_self_signed({"c.example"}, type);
        auto leaf = ossl::parse_chain_pem(cert.cert_pem);
        REQUIRE(leaf.size() == 1);
        for (KeyFamily family : {KeyFamily::Ec, KeyFamily::Rsa, KeyFamily::Any}) {
            auto key = decode_private_key(cert.key_pem, family);
            REQUIRE(key);
            CHECK(ossl::key_matches(leaf.front().get(), key.get()));
        }
    }
}

TEST_CASE("decode_private_key: a traditional (SEC1) key goes the generic way; garbage gives null") {
    auto cert = test::make_self_signed({"d.example"});
    auto reference = ossl::parse_key_pem(cert.key_pem);
    REQUIRE(reference);
    const std::string sec1 = sec1_pem(reference.get());
    REQUIRE(sec1.find("BEGIN EC PRIVATE KEY") != std::string::npos);
    auto key = decode_private_key(sec1, KeyFamily::Ec);
    REQUIRE(key);
    CHECK(EVP_PKEY_eq(key.get(), reference.get()) == 1);

    CHECK_FALSE(decode_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    CHECK_FALSE(decode_private_key(""));
    CHECK_FALSE(decode_private_key(cert.cert_pem));
}
