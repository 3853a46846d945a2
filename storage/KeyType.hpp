// The certificate key types certa generates and renews (the certificates
// row's key_type): the one list behind storage::generate_key (KeyGeneration), IssueSettings
// validation, the --key-type checks of `certa issue` and `certa serve`, and
// the key types `certa import` can renew.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
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

// The names, for code that picks one type (an account key's algorithm, an
// importer's mapping of another client's key settings).
inline constexpr std::string_view kEc256 = "ec256";
inline constexpr std::string_view kEc384 = "ec384";
inline constexpr std::string_view kRsa2048 = "rsa2048";
inline constexpr std::string_view kRsa3072 = "rsa3072";
inline constexpr std::string_view kRsa4096 = "rsa4096";

inline constexpr std::array<KeyType, 5> kKeyTypes{{
    {kEc256, "EC", "P-256", 0},
    {kEc384, "EC", "P-384", 0},
    {kRsa2048, "RSA", nullptr, 2048},
    {kRsa3072, "RSA", nullptr, 3072},
    {kRsa4096, "RSA", nullptr, 4096},
}};

// The key type of a new certificate when none is given.
inline constexpr std::string_view kDefaultKeyType = kEc256;

// The shape of a key type name: "ec" or "rsa" and the key size in bits
// ("ec256", "rsa3072"), also for sizes certa does not generate ("ec521",
// "rsa1024": an imported key, a row another writer made).
struct KeyTypeShape {
    const char* algorithm;  // "EC" or "RSA" (KeyType::algorithm)
    int bits;
};
// The name of a key of `algorithm` ("EC", "RSA") and `bits`; "" for another
// algorithm or bits <= 0.
std::string key_type_name(std::string_view algorithm, int bits);
// The reverse of key_type_name; nullopt when `name` has another shape.
std::optional<KeyTypeShape> key_type_shape(std::string_view name);

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
