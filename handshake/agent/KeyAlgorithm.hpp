// The key algorithm of an index record, from the store's key_type column
// (storage/KeyType: "ec256", "ec384", "rsa2048", ...): what the selector
// matches against the client's signature_algorithms.
#pragma once

#include "storage/KeyType.hpp"

#include <cstdint>
#include <string_view>

namespace certa::handshake {

enum class KeyAlgorithm : std::uint8_t { EcdsaP256, EcdsaP384, EcdsaOther, Rsa, Other };

// The names and their shapes have one home, storage/KeyType; a malformed
// name ("ecdsa") is Other.
inline KeyAlgorithm key_algorithm_from(std::string_view key_type) {
    if (key_type == storage::kEc256) return KeyAlgorithm::EcdsaP256;
    if (key_type == storage::kEc384) return KeyAlgorithm::EcdsaP384;
    const auto shape = storage::key_type_shape(key_type);
    if (!shape) return KeyAlgorithm::Other;
    return std::string_view(shape->algorithm) == "EC" ? KeyAlgorithm::EcdsaOther : KeyAlgorithm::Rsa;
}

}  // namespace certa::handshake
