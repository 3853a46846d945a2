// The largest RSA key `certa import` takes. A key check (sign and verify, or
// OpenSSL's own) costs the cube of the modulus size: a hostile 188,000-bit
// modulus keeps one busy for twenty minutes. 8192 bits is twice what any CA
// accepts for an account or a certificate key.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <string>

namespace certa::acme {

inline constexpr int kMaxImportRsaBits = 8192;

// Throws ImportError "WHERE: an RSA key of N bits; certa imports at most 8192"
// when `key` is an RSA key over the limit. Reads the size only.
void check_import_key_size(EVP_PKEY* key, const std::string& where);

}  // namespace certa::acme
