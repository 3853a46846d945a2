// The key algorithm of an index record, from the store's key_type column
// (storage/KeyType: "ec256", "ec384", "rsa2048", ...): what the selector
// matches against the client's signature_algorithms.
#pragma once

#include <cstdint>
#include <string_view>

namespace certa::handshake {

enum class KeyAlgorithm : std::uint8_t { EcdsaP256, EcdsaP384, EcdsaOther, Rsa, Other };

inline KeyAlgorithm key_algorithm_from(std::string_view key_type) {
    if (key_type == "ec256") return KeyAlgorithm::EcdsaP256;
    if (key_type == "ec384") return KeyAlgorithm::EcdsaP384;
    if (key_type.starts_with("ec")) return KeyAlgorithm::EcdsaOther;
    if (key_type.starts_with("rsa")) return KeyAlgorithm::Rsa;
    return KeyAlgorithm::Other;
}

}  // namespace certa::handshake
