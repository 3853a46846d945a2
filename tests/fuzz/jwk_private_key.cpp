// Fuzz target: JWK private keys (acme/import/JwkPrivateKey.*), certbot's
// accounts/.../private_key.json as `certa import certbot` reads it.
// Properties: bad input ends in ImportError, one line, never quoting a
// member's value; a key that comes back is EC (P-256/P-384) or RSA of at
// most 8192 bits (a bigger modulus is refused before any operation on it,
// so no input takes long: libFuzzer's -timeout catches a regression).
#include "acme/import/ImportError.hpp"
#include "acme/import/JwkPrivateKey.hpp"
#include "acme/import/KeySizeLimit.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace certa;
using namespace certa::acme;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const ossl::PKeyPtr key = jwk_private_key(text);
        FUZZ_CHECK(key != nullptr);
        if (EVP_PKEY_is_a(key.get(), "RSA")) {
            FUZZ_CHECK(EVP_PKEY_get_bits(key.get()) <= kMaxImportRsaBits);
        } else {
            FUZZ_CHECK(EVP_PKEY_is_a(key.get(), "EC"));
            const int bits = EVP_PKEY_get_bits(key.get());
            FUZZ_CHECK(bits == 256 || bits == 384);
        }
    } catch (const ImportError& e) {
        const std::string_view what = e.what();
        FUZZ_CHECK(what.rfind("account key (JWK): ", 0) == 0);
        FUZZ_CHECK(what.find('\n') == std::string_view::npos);
        FUZZ_CHECK(what.size() < 300);
    }
    ERR_clear_error();
    return 0;
}
