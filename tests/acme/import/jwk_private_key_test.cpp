// JWK private keys (certbot's private_key.json): EC P-256/P-384 and RSA are
// rebuilt, and a JWK whose members do not belong together is refused
// without quoting any member's value.
#include "acme/import/ImportError.hpp"
#include "acme/import/JwkPrivateKey.hpp"
#include "acme/protocol/AccountKey.hpp"
#include "acme/protocol/Json.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/base/Base64Url.hpp"

#include <doctest/doctest.h>

#include <openssl/core_names.h>

#include <chrono>

using namespace certa;
using namespace certa::acme;

namespace {

std::string bn_member(EVP_PKEY* key, const char* param, std::size_t pad = 0) {
    BIGNUM* raw = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, param, &raw) == 1);
    ossl::BignumPtr bn(raw);
    std::string bytes(std::max<std::size_t>(pad, static_cast<std::size_t>(BN_num_bytes(bn.get()))), '\0');
    BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    return base64url_encode(bytes);
}

// The private JWK of `key` as josepy writes it.
json::Value private_jwk(EVP_PKEY* key) {
    json::Value jwk = json::parse_object(public_jwk_json(key));
    if (EVP_PKEY_is_a(key, "EC")) {
        jwk["d"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_PRIV_KEY, EVP_PKEY_get_bits(key) == 384 ? 48 : 32));
    } else {
        jwk["d"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_RSA_D));
        jwk["p"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_RSA_FACTOR1));
        jwk["q"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_RSA_FACTOR2));
        jwk["dp"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_RSA_EXPONENT1));
        jwk["dq"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_RSA_EXPONENT2));
        jwk["qi"] = json::string_value(bn_member(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
    }
    return jwk;
}

}  // namespace

TEST_CASE("EC and RSA JWKs become the same key") {
    for (const char* type : {"ec256", "ec384", "rsa2048"}) {
        CAPTURE(type);
        const ossl::PKeyPtr key = storage::generate_key(type);
        const ossl::PKeyPtr back = jwk_private_key(json::serialize(private_jwk(key.get())));
        REQUIRE(back);
        CHECK(EVP_PKEY_eq(key.get(), back.get()) == 1);
        CHECK(AccountKey::from_pem(ossl::to_pem(back.get())).jwk_json() == public_jwk_json(key.get()));
    }
    // RSA without the CRT members is accepted too.
    const ossl::PKeyPtr rsa = storage::generate_key("rsa2048");
    json::Value plain = private_jwk(rsa.get());
    for (const char* m : {"p", "q", "dp", "dq", "qi"}) plain.erase(m);
    CHECK(EVP_PKEY_eq(rsa.get(), jwk_private_key(json::serialize(plain)).get()) == 1);
}

TEST_CASE("malformed JWKs are refused naming the member, not its value") {
    const ossl::PKeyPtr ec = storage::generate_key("ec256"), other = storage::generate_key("ec256");
    const ossl::PKeyPtr rsa = storage::generate_key("rsa2048");
    const json::Value good = private_jwk(ec.get());
    auto refused = [](const json::Value& jwk) {
        try {
            jwk_private_key(json::serialize(jwk));
        } catch (const ImportError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    json::Value swapped = good;  // another key's private scalar
    swapped["d"] = private_jwk(other.get())["d"];
    CHECK(refused(swapped).find("do not") != std::string::npos);
    CHECK(refused(swapped).find(json::string_field(swapped, "d").value()) == std::string::npos);
    json::Value missing = good;
    missing.erase("y");
    CHECK(refused(missing) == "account key (JWK): member 'y' is missing");
    json::Value short_d = good;
    short_d["d"] = json::string_value(base64url_encode(std::string(31, '\x01')));
    CHECK(refused(short_d) == "account key (JWK): member 'd' has the wrong length for its curve");
    json::Value curve = good;
    curve["crv"] = json::string_value("P-521");
    CHECK(refused(curve) == "account key (JWK): curve 'P-521' is not supported (P-256, P-384)");
    json::Value some_crt = private_jwk(rsa.get());
    some_crt.erase("qi");
    CHECK(refused(some_crt) == "account key (JWK): has some but not all of p, q, dp, dq, qi");
    json::Value bad_n = private_jwk(rsa.get());
    bad_n["n"] = private_jwk(storage::generate_key("rsa2048").get())["n"];
    CHECK(refused(bad_n) != "accepted");
    CHECK_THROWS_WITH_AS(jwk_private_key("{not json"), "account key (JWK): not a JSON object", ImportError);
    CHECK_THROWS_WITH_AS(jwk_private_key(R"({"kty":"oct","k":"AAAA"})"),
                         "account key (JWK): key type 'oct' is not supported (EC, RSA)", ImportError);
}

TEST_CASE("an RSA JWK over 8192 bits is refused before any operation on it (issue 21)") {
    // certbot's 64 KiB limit holds a 188,000-bit modulus: checking that key took ~20 minutes.
    const ossl::PKeyPtr rsa = storage::generate_key("rsa2048");
    json::Value huge = private_jwk(rsa.get());
    huge.erase("p"), huge.erase("q"), huge.erase("dp"), huge.erase("dq"), huge.erase("qi");
    huge["n"] = json::string_value(base64url_encode(std::string(23500, '\xff')));
    huge["d"] = json::string_value(base64url_encode(std::string(23400, '\x7f')));
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(jwk_private_key(json::serialize(huge)),
                         "account key (JWK): an RSA key over 8192 bits; certa imports at most 8192", ImportError);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    huge["n"] = json::string_value(base64url_encode(std::string(1025, '\xff')));  // 8200 bits
    CHECK_THROWS_AS(jwk_private_key(json::serialize(huge)), ImportError);

    // A type or curve name from the file is shown on one line, cut short.
    CHECK_THROWS_WITH_AS(jwk_private_key(R"({"kty":"a\nb"})"),
                         "account key (JWK): key type 'a\\x0ab' is not supported (EC, RSA)", ImportError);
}
