// The certificate key types certa generates and renews (the certificates
// row's key_type): the one list behind ossl::generate_key, IssueSettings
// validation, the --key-type checks of `certa issue` and `certa serve`, and
// the key types `certa import` can renew.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace certa::storage {

struct KeyType {
    std::string_view name;   // "ec256": the spelling in rows, settings and flags
    const char* algorithm;   // EVP_PKEY_Q_keygen's type: "EC" or "RSA"
    const char* curve;       // EC: the group; nullptr for RSA
    std::size_t bits;        // RSA: the modulus size; 0 for EC
};

inline constexpr std::array<KeyType, 5> kKeyTypes{{
    {"ec256", "EC", "P-256", 0},
    {"ec384", "EC", "P-384", 0},
    {"rsa2048", "RSA", nullptr, 2048},
    {"rsa3072", "RSA", nullptr, 3072},
    {"rsa4096", "RSA", nullptr, 4096},
}};

// The key type of a new certificate when none is given.
inline constexpr std::string_view kDefaultKeyType = "ec256";

// The entry for `name`; nullptr when certa does not generate that type.
const KeyType* find_key_type(std::string_view name);
bool is_key_type(std::string_view name);
// Every name, in kKeyTypes order (for CLI11's IsMember).
std::vector<std::string> key_type_names();
// "ec256 (default), ec384, rsa2048, rsa3072, rsa4096" (for --help).
std::string key_type_help();
// "unknown key type 'NAME' (ec256, ec384, rsa2048, rsa3072, rsa4096)".
std::string unknown_key_type(std::string_view name);

}  // namespace certa::storage
