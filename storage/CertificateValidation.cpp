#include "storage/CertificateValidation.hpp"

#include "storage/StoreError.hpp"
#include "storage/names/NameError.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <algorithm>

namespace certa::storage {

namespace {

// Every indexed name passes the rules `certa issue` applies (NameNormalizer):
// a name the store holds is printed on one line and matched by the agent.
// Names given with the certificate are trimmed; its own SAN entries must be
// exact.
std::vector<std::string> unique_canonical(const std::vector<std::string>& names, NameRules::Spaces spaces) {
    std::vector<std::string> out;
    for (const auto& name : names) {
        std::string canonical;
        try {
            canonical = validate_name(name, NameRules{.allow_wildcard = true, .spaces = spaces}).name;
        } catch (const NameError& e) {
            throw StoreError(StoreError::Kind::Invalid, e.what());
        }
        if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(std::move(canonical));
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
    names = input.names.empty() ? unique_canonical(info.names, NameRules::Spaces::Exact)
                                : unique_canonical(input.names, NameRules::Spaces::Trimmed);
    if (names.empty()) throw StoreError(Kind::Invalid, "certificate has no names (no SAN and none given)");
    // A name the SAN does not cover would make handshakes for it fail.
    for (const auto& name : names)
        if (std::find(info.names.begin(), info.names.end(), name) == info.names.end())
            throw StoreError(Kind::Invalid, "name '" + name + "' is not in the certificate's subjectAltName");
    return info;
}

}  // namespace certa::storage
