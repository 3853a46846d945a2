// Test helper: rebuilds a public EVP_PKEY from a JWK (EC P-256/P-384, RSA)
// and verifies flattened JWS signatures with it, independently of AccountKey.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <string>

namespace certa::test {

// Public key from JWK members; null when unsupported.
ossl::PKeyPtr public_key_from_jwk(const std::string& jwk_json);
// True when `signature` (JWS form: R||S for ECDSA) is valid for `input` under `alg`.
bool verify_jws_signature(EVP_PKEY* key, const std::string& alg, const std::string& input, const std::string& signature);

}  // namespace certa::test
