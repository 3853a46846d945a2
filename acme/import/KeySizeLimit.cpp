#include "acme/import/KeySizeLimit.hpp"

#include "acme/import/ImportError.hpp"

namespace certa::acme {

void check_import_key_size(EVP_PKEY* key, const std::string& where) {
    if (!key || !EVP_PKEY_is_a(key, "RSA")) return;
    const int bits = EVP_PKEY_get_bits(key);
    if (bits > kMaxImportRsaBits)
        throw ImportError(where + ": an RSA key of " + std::to_string(bits) + " bits; certa imports at most " +
                          std::to_string(kMaxImportRsaBits));
}

}  // namespace certa::acme
