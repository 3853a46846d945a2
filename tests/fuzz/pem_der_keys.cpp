// Fuzz target: the handshake path's own PEM/DER readers
// (handshake/agent/PemDer.*, KeyDecoder.*, LeafDecoder.*), which parse store
// rows lazily at handshake time: PEM blocks base64-decoded by hand, PKCS#8
// keys through per-thread decoder contexts, and leaves decoded to share their
// private key's EVP_PKEY. All report failure as false / null; a leaf is only
// ever returned with the very key it was asked to share.
#include "handshake/agent/KeyDecoder.hpp"
#include "handshake/agent/LeafDecoder.hpp"
#include "handshake/agent/PemDer.hpp"
#include "storage/base/OpenSsl.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace certa;

namespace {

// A throwaway P-256 test key; corpus/pem_der_keys/leaf-fixed-key.pem holds a
// certificate for it, so the fuzzer starts from a leaf that decodes.
constexpr std::string_view kFixedKey =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg6HyFiIGbjhI+7dNF\n"
    "795qZTbCw9J8ltK1mXnzP69zXBOhRANCAATEsavX6jUAQxE0lRVsQ8HFg1Zr8TmT\n"
    "R0YM6qKcqgxWikXuiWqU6Jh95uDNzOathYzcTIRKl7R62W+JYPKYJE9r\n"
    "-----END PRIVATE KEY-----\n";

EVP_PKEY* fixed_key() {
    static const ossl::PKeyPtr key = ossl::parse_key_pem(kFixedKey);
    FUZZ_CHECK(key != nullptr);
    return key.get();
}

void leaf_with(std::string_view der, EVP_PKEY* key) {
    if (auto leaf = handshake::decode_leaf_sharing_key(der, key)) {
        FUZZ_CHECK(X509_get0_pubkey(leaf.get()) == key);
        FUZZ_CHECK(ossl::key_matches(leaf.get(), key));
        FUZZ_CHECK(ossl::to_der(leaf.get()) == der);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The store row's key type is only a hint: any hint must give the same answer.
    const auto hint = static_cast<handshake::KeyFamily>(size % 3);
    const ossl::PKeyPtr key = handshake::decode_private_key(text, hint);
    const ossl::PKeyPtr any = handshake::decode_private_key(text, handshake::KeyFamily::Any);
    FUZZ_CHECK((key == nullptr) == (any == nullptr));
    if (key) FUZZ_CHECK(EVP_PKEY_eq(key.get(), any.get()) == 1);

    std::size_t pos = 0;
    std::string der;
    for (int block = 0; block < 8; ++block) {
        const std::size_t before = pos;
        if (!handshake::next_pem_block(text, "CERTIFICATE", pos, der)) {
            FUZZ_CHECK(der.empty());
            break;
        }
        FUZZ_CHECK(pos > before && pos <= text.size());
        FUZZ_CHECK(!der.empty());
        leaf_with(der, fixed_key());
        if (key) leaf_with(der, key.get());
    }
    ERR_clear_error();
    return 0;
}
