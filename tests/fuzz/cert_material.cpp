// Fuzz target: parse_cert_material (handshake/agent), which turns a store
// row's chain and key PEM into what a handshake serves, on every cache miss.
// Input: one byte choosing the key algorithm the row claims, one byte
// ignored, then the chain and the key separated by "\n--8<--\n".
// Properties: any bytes may be refused (null), never crash; a material that
// comes back has a leaf and a key that match, and a chain for SSL.
#include "handshake/agent/CertMaterial.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace certa;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto algorithm = static_cast<handshake::KeyAlgorithm>(data[0] % 5);
    std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
    constexpr std::string_view cut = "\n--8<--\n";
    std::string_view chain = rest, key;
    if (const auto at = rest.find(cut); at != std::string_view::npos) {
        chain = rest.substr(0, at);
        key = rest.substr(at + cut.size());
        if (const auto next = key.find(cut); next != std::string_view::npos) key = key.substr(0, next);
    }
    const auto material = handshake::parse_cert_material(chain, key, algorithm);
    if (material) {
        FUZZ_CHECK(material->leaf != nullptr && material->key != nullptr);
        FUZZ_CHECK(ossl::key_matches(material->leaf.get(), material->key.get()));
        FUZZ_CHECK(material->chain_for_ssl() != nullptr);
    }
    ERR_clear_error();
    return 0;
}
