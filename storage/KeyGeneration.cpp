#include "storage/KeyGeneration.hpp"

#include "storage/KeyType.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <string>

namespace certa::storage {

ossl::PKeyPtr generate_key(std::string_view key_type) {
    const KeyType* type = find_key_type(key_type);
    if (!type) throw std::invalid_argument(unknown_key_type(key_type));
    EVP_PKEY* raw = type->curve ? EVP_PKEY_Q_keygen(nullptr, nullptr, type->algorithm, type->curve)
                                : EVP_PKEY_Q_keygen(nullptr, nullptr, type->algorithm, type->bits);
    if (!raw) throw std::runtime_error("key generation failed: " + ossl::last_error());
    return ossl::PKeyPtr(raw);
}

}  // namespace certa::storage
