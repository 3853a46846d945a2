// A new private key of one of certa's key types (storage/KeyType.hpp). Kept
// out of storage/base/OpenSsl so the base library knows no certa vocabulary
// (and storage/base includes nothing from storage/).
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <string_view>

namespace certa::storage {

// Generates a key of the type named `key_type` (one of kKeyTypes).
// Throws std::invalid_argument for an unknown type, std::runtime_error on failure.
ossl::PKeyPtr generate_key(std::string_view key_type);

}  // namespace certa::storage
