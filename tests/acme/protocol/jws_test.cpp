// JWS and account keys: signatures verified with OpenSSL against the JWK in
// the protected header; RFC 7638 thumbprint; EAB; key authorization.
#include "JwkTestKeys.hpp"
#include "acme/protocol/ExternalAccountBinding.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/protocol/Jws.hpp"
#include "acme/protocol/KeyAuthorization.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/base/Base64Url.hpp"

#include <doctest/doctest.h>
#include <openssl/hmac.h>

using namespace certa;
using namespace certa::acme;

namespace {

struct Decoded {
    json::Value header;
    std::string payload;
    std::string signing_input;
    std::string signature;
};

Decoded decode(const std::string& jws) {
    auto v = json::parse_object(jws);
    Decoded d;
    std::string p64 = json::required_string(v, "protected");
    std::string b64 = json::required_string(v, "payload");
    d.header = json::parse_object(base64url_decode(p64).value());
    d.payload = base64url_decode(b64).value();
    d.signing_input = p64 + "." + b64;
    d.signature = base64url_decode(json::required_string(v, "signature")).value();
    CHECK(v.size() == 3);
    return d;
}

}  // namespace

TEST_CASE("jws_with_jwk signs verifiably for every algorithm") {
    for (KeyAlg alg : {KeyAlg::ES256, KeyAlg::ES384, KeyAlg::RS256}) {
        CAPTURE(to_string(alg));
        AccountKey key = AccountKey::generate(alg);
        CHECK(key.alg() == alg);
        std::string jws = jws_with_jwk(key, "https://ca/new-acct", "nonce-1", R"({"termsOfServiceAgreed":true})");
        Decoded d = decode(jws);
        CHECK(json::string_field(d.header, "alg") == std::optional<std::string>(to_string(alg)));
        CHECK(json::string_field(d.header, "nonce") == std::optional<std::string>("nonce-1"));
        CHECK(json::string_field(d.header, "url") == std::optional<std::string>("https://ca/new-acct"));
        CHECK(json::find(d.header, "kid") == nullptr);
        CHECK(d.payload == R"({"termsOfServiceAgreed":true})");
        const json::Value* jwk = json::find(d.header, "jwk");
        REQUIRE(jwk);
        std::string jwk_text = json::serialize(*jwk);
        auto pub = test::public_key_from_jwk(jwk_text);
        REQUIRE(pub);
        CHECK(EVP_PKEY_eq(pub.get(), key.pkey()) == 1);
        CHECK(test::verify_jws_signature(pub.get(), to_string(alg), d.signing_input, d.signature));
        // A changed input must not verify.
        CHECK_FALSE(test::verify_jws_signature(pub.get(), to_string(alg), d.signing_input + "x", d.signature));
        if (alg != KeyAlg::RS256) CHECK(d.signature.size() == (alg == KeyAlg::ES256 ? 64u : 96u));
        else CHECK(d.signature.size() == 256u);
    }
}

TEST_CASE("jws_with_kid carries kid, no jwk; POST-as-GET has an empty payload") {
    AccountKey key = AccountKey::generate();
    Decoded d = decode(jws_with_kid(key, "https://ca/acct/1", "https://ca/order/7", "n2", ""));
    CHECK(json::string_field(d.header, "kid") == std::optional<std::string>("https://ca/acct/1"));
    CHECK(json::find(d.header, "jwk") == nullptr);
    CHECK(d.payload.empty());
    auto pub = test::public_key_from_jwk(key.jwk_json());
    REQUIRE(pub);
    CHECK(test::verify_jws_signature(pub.get(), "ES256", d.signing_input, d.signature));
}

TEST_CASE("PEM round trip keeps the key and its algorithm") {
    for (KeyAlg alg : {KeyAlg::ES256, KeyAlg::ES384, KeyAlg::RS256}) {
        AccountKey key = AccountKey::generate(alg);
        AccountKey back = AccountKey::from_pem(key.to_pem());
        CHECK(back.alg() == alg);
        CHECK(back.thumbprint() == key.thumbprint());
    }
    CHECK_THROWS_AS(AccountKey::from_pem("not a key"), KeyError);
    try {
        AccountKey::from_pem(ossl::to_pem(storage::generate_key("rsa2048").get()).substr(0, 200));
        FAIL("expected KeyError");
    } catch (const KeyError& e) {
        CHECK(std::string(e.what()).find("BEGIN") == std::string::npos);  // no key material in the message
    }
    CHECK(key_alg_from("es384") == KeyAlg::ES384);
    CHECK_FALSE(key_alg_from("HS256"));
}

TEST_CASE("RFC 7638 §3.1 thumbprint example") {
    const std::string n =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknj"
        "hMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQ"
        "vRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    // Members deliberately out of order and with extras: the canonical form drops them.
    auto key = test::public_key_from_jwk(R"({"n":")" + n + R"(","kid":"2011-04-29","e":"AQAB","alg":"RS256","kty":"RSA"})");
    REQUIRE(key);
    std::string canonical = public_jwk_json(key.get());
    CHECK(canonical == R"({"e":"AQAB","kty":"RSA","n":")" + n + R"("})");
    CHECK(jwk_thumbprint(canonical) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST_CASE("EC JWK coordinates are fixed-size and in canonical order") {
    for (int i = 0; i < 8; ++i) {  // some coordinates have leading zero bytes
        AccountKey key = AccountKey::generate(KeyAlg::ES256);
        auto jwk = json::parse_object(key.jwk_json());
        CHECK(key.jwk_json().rfind(R"({"crv":"P-256","kty":"EC","x":")", 0) == 0);
        CHECK(base64url_decode(json::required_string(jwk, "x"))->size() == 32);
        CHECK(base64url_decode(json::required_string(jwk, "y"))->size() == 32);
    }
    AccountKey k384 = AccountKey::generate(KeyAlg::ES384);
    CHECK(base64url_decode(json::required_string(json::parse_object(k384.jwk_json()), "x"))->size() == 48);
}

TEST_CASE("key authorization is token.thumbprint") {
    AccountKey key = AccountKey::generate();
    CHECK(key_authorization("tok-123", key) == "tok-123." + key.thumbprint());
    CHECK(key.thumbprint().size() == 43);
}

TEST_CASE("keyChange inner JWS: new key signs {account, oldKey}, no nonce") {
    AccountKey old_key = AccountKey::generate(KeyAlg::ES256);
    AccountKey new_key = AccountKey::generate(KeyAlg::ES384);
    Decoded d = decode(key_change_inner_jws(new_key, old_key, "https://ca/acct/1", "https://ca/key-change"));
    CHECK(json::find(d.header, "nonce") == nullptr);
    CHECK(json::string_field(d.header, "url") == std::optional<std::string>("https://ca/key-change"));
    CHECK(json::serialize(*json::find(d.header, "jwk")) == new_key.jwk_json());
    auto payload = json::parse_object(d.payload);
    CHECK(json::string_field(payload, "account") == std::optional<std::string>("https://ca/acct/1"));
    CHECK(json::serialize(*json::find(payload, "oldKey")) == old_key.jwk_json());
    auto pub = test::public_key_from_jwk(new_key.jwk_json());
    CHECK(test::verify_jws_signature(pub.get(), "ES384", d.signing_input, d.signature));
}

TEST_CASE("external account binding is an HS256 JWS over the account JWK") {
    AccountKey key = AccountKey::generate();
    std::string raw_key = "0123456789abcdef0123456789abcdef";
    EabCredentials eab{"kid-7", base64url_encode(raw_key)};
    Decoded d = decode(external_account_binding(eab, key, "https://ca/new-acct"));
    CHECK(json::string_field(d.header, "alg") == std::optional<std::string>("HS256"));
    CHECK(json::string_field(d.header, "kid") == std::optional<std::string>("kid-7"));
    CHECK(json::string_field(d.header, "url") == std::optional<std::string>("https://ca/new-acct"));
    CHECK(json::find(d.header, "nonce") == nullptr);
    CHECK(d.payload == key.jwk_json());
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), raw_key.data(), static_cast<int>(raw_key.size()),
         reinterpret_cast<const unsigned char*>(d.signing_input.data()), d.signing_input.size(), mac, &len);
    CHECK(d.signature == std::string(reinterpret_cast<char*>(mac), len));

    EabCredentials bad{"kid-7", "not base64url!!"};
    try {
        external_account_binding(bad, key, "https://ca/new-acct");
        FAIL("expected KeyError");
    } catch (const KeyError& e) {
        CHECK(std::string(e.what()).find("not valid base64url") != std::string::npos);
        CHECK(std::string(e.what()).find("!!") == std::string::npos);
    }
}
