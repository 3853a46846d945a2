// Fuzz target: the store's certificate readers (storage/CertificateParser.*,
// storage/CertificateValidation.* and the PEM parsing of storage/OpenSsl.*):
// what `certa issue` gets from the CA and what any store row holds. The input
// is a PEM chain, optionally followed by its private key; bad input must end
// in StoreError (kind Invalid) or a null/empty result, never anything else.
#include "storage/CertificateParser.hpp"
#include "storage/CertificateValidation.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/StoreError.hpp"
#include "storage/names/NameNormalizer.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace certa;

namespace {

// Splits at the first private key block: chain before it, key from it on.
std::size_t key_start(std::string_view text) {
    const std::size_t marker = text.find("PRIVATE KEY-----");
    if (marker == std::string_view::npos) return text.size();
    const std::size_t begin = text.rfind("-----BEGIN ", marker);
    return begin == std::string_view::npos ? marker : begin;
}

void check_chain(const storage::ChainInfo& info) {
    FUZZ_CHECK(!info.chain.empty());
    FUZZ_CHECK(!info.serial_hex.empty());
    FUZZ_CHECK(info.aki_hex.empty() == info.ari_cert_id.empty());
    for (const auto& name : info.names) {
        FUZZ_CHECK(!name.empty());
        FUZZ_CHECK(storage::lowercase(name) == name);
    }
    for (const auto& cert : info.chain) {
        (void)ossl::issuer_common_name(cert.get());
        (void)storage::serial_hex(cert.get());
        // What the store writes back out must read again as the same certificate.
        const auto again = ossl::parse_chain_pem(ossl::to_pem(cert.get()));
        FUZZ_CHECK(again.size() == 1);
        FUZZ_CHECK(ossl::to_der(again.front().get()) == ossl::to_der(cert.get()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::size_t split = key_start(text);
    const std::string_view chain = text.substr(0, split), key = text.substr(split);
    try {
        check_chain(storage::parse_chain(chain));
    } catch (const storage::StoreError& e) {
        FUZZ_CHECK(e.kind() == storage::StoreError::Kind::Invalid);
    }
    if (auto pkey = ossl::parse_key_pem(key)) (void)ossl::to_pem(pkey.get());
    try {
        storage::CertificateInput input;
        input.chain_pem = std::string(chain);
        input.key_pem = std::string(key);
        std::vector<std::string> names;
        const storage::ChainInfo info = storage::validate_certificate(input, names);
        FUZZ_CHECK(!names.empty());
        FUZZ_CHECK(ossl::key_matches(info.chain.front().get(), ossl::parse_key_pem(key).get()));
    } catch (const storage::StoreError& e) {
        FUZZ_CHECK(e.kind() == storage::StoreError::Kind::Invalid);
    }
    // The stored spelling of an identifier (a command-line name, a SAN entry).
    const std::string first_line(text.substr(0, std::min(text.find('\n'), std::size_t{300})));
    const std::string canonical = storage::canonical_identifier(first_line);
    FUZZ_CHECK(storage::canonical_identifier(canonical) == canonical);
    ERR_clear_error();
    return 0;
}
