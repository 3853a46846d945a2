// CertificateParser: validity, serial, AKI, ARI certID and SAN names of the leaf.
#include "StoreFixtures.hpp"
#include "storage/base/Base64Url.hpp"
#include "storage/CertificateParser.hpp"
#include "storage/StoreError.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <doctest/doctest.h>

using namespace certa::storage;

TEST_CASE("ARI certID matches the RFC 9773 §4.1 example") {
    const unsigned char aki[] = {0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3,
                                 0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4};
    const unsigned char serial[] = {0x00, 0x87, 0x65, 0x43, 0x21};
    CHECK(ari_cert_id(std::string(reinterpret_cast<const char*>(aki), sizeof aki),
                      std::string(reinterpret_cast<const char*>(serial), sizeof serial)) ==
          "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
}

TEST_CASE("an issued leaf yields names, validity, serial, AKI and certID") {
    auto ca = certa::test::make_ca();
    auto leaf = certa::test::make_issued({"WWW.Example.com", "*.example.com", "192.0.2.7", "2001:db8::1"}, "ec256",
                                         ca, -120, 3600);
    ChainInfo info = parse_chain(leaf.chain_pem);
    CHECK(info.chain.size() == 2);
    CHECK(info.names == std::vector<std::string>{"www.example.com", "*.example.com", "192.0.2.7", "2001:db8::1"});
    CHECK(info.not_after - info.not_before == 3600);
    CHECK(info.not_before > 1700000000);
    CHECK(info.serial_hex.size() >= 2);
    CHECK(info.serial_hex.size() % 2 == 0);
    CHECK(info.aki_hex.size() == 40);  // SHA-1 keyid of the CA key
    // certID = base64url(AKI) "." base64url(serial): decode both halves back.
    auto dot = info.ari_cert_id.find('.');
    REQUIRE(dot != std::string::npos);
    auto aki = certa::base64url_decode(info.ari_cert_id.substr(0, dot));
    auto serial = certa::base64url_decode(info.ari_cert_id.substr(dot + 1));
    REQUIRE(aki);
    REQUIRE(serial);
    CHECK(certa::hex_encode(*aki) == info.aki_hex);
    CHECK(certa::hex_encode(*serial) == info.serial_hex);
}

TEST_CASE("the serial matches what OpenSSL reports, with a DER sign byte when needed") {
    auto leaf = certa::test::make_self_signed({"serial.example"});
    ChainInfo info = parse_chain(leaf.chain_pem);
    certa::ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(info.chain.front().get()), nullptr));
    REQUIRE(bn);
    char* hex = BN_bn2hex(bn.get());
    std::string expected = hex;
    OPENSSL_free(hex);
    // make_self_signed clears the top bit, so no 00 sign byte is needed.
    CHECK(info.serial_hex == expected);
}

TEST_CASE("a serial with its top bit set keeps DER's 00 sign byte, in parse_chain and serial_hex alike") {
    auto leaf = certa::test::make_self_signed_with_serial({"top-bit.example"}, "80F1E2D3C4B5A69788");
    ChainInfo info = parse_chain(leaf.chain_pem);
    CHECK(info.serial_hex == "0080F1E2D3C4B5A69788");
    CHECK(serial_hex(info.chain.front().get()) == info.serial_hex);
    auto plain = parse_chain(certa::test::make_self_signed_with_serial({"low.example"}, "7F01").chain_pem);
    CHECK(plain.serial_hex == "7F01");
    CHECK(serial_hex(plain.chain.front().get()) == "7F01");
}

TEST_CASE("a self-signed leaf without AKI has no ARI certID") {
    auto leaf = certa::test::make_self_signed({"self.example"});
    ChainInfo info = parse_chain(leaf.chain_pem);
    CHECK(info.aki_hex.empty());
    CHECK(info.ari_cert_id.empty());
    CHECK(info.names == std::vector<std::string>{"self.example"});
}

TEST_CASE("empty, garbage and mixed chains are refused as Invalid") {
    auto leaf = certa::test::make_self_signed({"x.example"});
    for (const std::string& bad : {std::string(), std::string("not a pem"),
                                   leaf.cert_pem + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                   leaf.key_pem + leaf.cert_pem}) {
        try {
            parse_chain(bad);
            FAIL("parsed a bad chain");
        } catch (const StoreError& e) {
            CHECK(e.kind() == StoreError::Kind::Invalid);
        }
    }
}

TEST_CASE("canonical identifiers: lowercase names, RFC 5952 IPv6, plain IPv4") {
    CHECK(canonical_identifier("WWW.Example.COM") == "www.example.com");
    CHECK(canonical_identifier("*.Example.com") == "*.example.com");
    CHECK(canonical_identifier("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
    CHECK(canonical_identifier("::FFFF:192.0.2.1") == "192.0.2.1");  // IPv4-mapped folds
    CHECK(canonical_identifier("192.0.2.1") == "192.0.2.1");
    CHECK(canonical_identifier("") == "");
}
