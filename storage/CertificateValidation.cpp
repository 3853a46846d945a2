#include "storage/CertificateValidation.hpp"

#include "storage/StoreError.hpp"

#include <algorithm>

namespace certa::storage {

namespace {

std::vector<std::string> unique_canonical(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& name : names) {
        std::string canonical = canonical_identifier(name);
        if (!canonical.empty() && std::find(out.begin(), out.end(), canonical) == out.end())
            out.push_back(canonical);
    }
    return out;
}

}  // namespace

ChainInfo validate_certificate(const CertificateInput& input, std::vector<std::string>& names) {
    using Kind = StoreError::Kind;
    ChainInfo info = parse_chain(input.chain_pem);
    auto key = ossl::parse_key_pem(input.key_pem);
    if (!key) throw StoreError(Kind::Invalid, "the certificate's private key does not parse");
    if (!ossl::key_matches(info.chain.front().get(), key.get()))
        throw StoreError(Kind::Invalid, "certificate does not match its private key");
    names = unique_canonical(input.names.empty() ? info.names : input.names);
    if (names.empty()) throw StoreError(Kind::Invalid, "certificate has no names (no SAN and none given)");
    // A name the SAN does not cover would make handshakes for it fail.
    for (const auto& name : names)
        if (std::find(info.names.begin(), info.names.end(), name) == info.names.end())
            throw StoreError(Kind::Invalid, "name '" + name + "' is not in the certificate's subjectAltName");
    return info;
}

}  // namespace certa::storage
