#include "handshake/agent/ChallengeIndex.hpp"

#include "storage/names/NameNormalizer.hpp"

#include <openssl/err.h>

namespace certa::handshake {

ChallengeIndex::ChallengeIndex(const std::vector<storage::Challenge>& rows) {
    for (const auto& row : rows) {
        if (row.type != storage::ChallengeType::TlsAlpn01) continue;
        auto identifier = storage::normalize_index_name(row.identifier);
        auto chain = ossl::parse_chain_pem(row.cert_pem);
        auto key = ossl::parse_key_pem(row.key_pem);
        if (!identifier || identifier->starts_with("*") || chain.empty() || !key ||
            !ossl::key_matches(chain.front().get(), key.get())) {
            ERR_clear_error();
            ++rejected_;
            continue;
        }
        auto& slot = by_identifier_[*identifier];
        if (slot && slot->id > row.id) continue;
        auto cert = std::make_shared<ChallengeCert>();
        cert->id = row.id;
        cert->identifier = *identifier;
        cert->cert = std::move(chain.front());
        cert->key = std::move(key);
        cert->expires = row.expires;
        slot = std::move(cert);
    }
}

const ChallengeCert* ChallengeIndex::find(std::string_view identifier, storage::UnixTime now) const {
    auto it = by_identifier_.find(std::string(identifier));
    if (it == by_identifier_.end()) return nullptr;
    if (it->second->expires != 0 && it->second->expires <= now) return nullptr;
    return it->second.get();
}

}  // namespace certa::handshake
