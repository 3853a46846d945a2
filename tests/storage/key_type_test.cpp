// storage/KeyType: the one list of key types, and what is derived from it.
#include "storage/KeyGeneration.hpp"
#include "storage/KeyType.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <stdexcept>

using namespace certa;

TEST_CASE("the key type list, its help text and its refusal") {
    CHECK(storage::key_type_names() == std::vector<std::string>{"ec256", "ec384", "rsa2048", "rsa3072", "rsa4096"});
    CHECK(storage::key_type_help() == "ec256 (default), ec384, rsa2048, rsa3072, rsa4096");
    CHECK(storage::unknown_key_type("ec521") == "unknown key type 'ec521' (ec256, ec384, rsa2048, rsa3072, rsa4096)");
    CHECK(storage::is_key_type(storage::kDefaultKeyType));
    for (const char* bad : {"", "EC256", "ec521", "rsa1024", "ed25519"}) {
        INFO(bad);
        CHECK_FALSE(storage::is_key_type(bad));
        CHECK_THROWS_AS(storage::generate_key(bad), std::invalid_argument);
    }
}

TEST_CASE("generate_key makes every listed type") {
    for (const auto& type : storage::kKeyTypes) {
        if (type.bits > 2048) continue;  // large RSA keys are slow; their path is rsa2048's
        INFO(type.name);
        const ossl::PKeyPtr key = storage::generate_key(std::string(type.name));
        REQUIRE(key);
        CHECK(EVP_PKEY_is_a(key.get(), type.algorithm) == 1);
        const int bits = type.bits ? static_cast<int>(type.bits) : type.name == "ec256" ? 256 : 384;
        CHECK(EVP_PKEY_get_bits(key.get()) == bits);
    }
}

TEST_CASE("key type names: algorithm and size, both ways, also for sizes certa does not make") {
    CHECK(storage::key_type_name("EC", 256) == storage::kEc256);
    CHECK(storage::key_type_name("RSA", 3072) == storage::kRsa3072);
    CHECK(storage::key_type_name("EC", 521) == "ec521");
    CHECK(storage::key_type_name("ED25519", 256).empty());
    CHECK(storage::key_type_name("RSA", 0).empty());
    for (const auto& type : storage::kKeyTypes) {
        INFO(type.name);
        const auto shape = storage::key_type_shape(type.name);
        REQUIRE(shape);
        CHECK(std::string_view(shape->algorithm) == type.algorithm);
        CHECK(storage::key_type_name(shape->algorithm, shape->bits) == type.name);
    }
    CHECK(storage::key_type_shape("rsa1024")->bits == 1024);
    for (const char* bad : {"", "ec", "rsa", "ecdsa", "ec256x", "ec0256", "ed25519", "EC256", "rsa999999"}) {
        INFO(bad);
        CHECK_FALSE(storage::key_type_shape(bad));
    }
}
