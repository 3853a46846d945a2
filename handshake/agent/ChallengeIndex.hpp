// The pending RFC 8737 tls-alpn-01 challenge certificates of one snapshot,
// keyed by normalized identifier (DNS name or canonical IP). Parsed eagerly by
// the watcher (there are few); each keeps its expiry so that a handshake never
// serves a challenge whose row has expired since the last reload.
#pragma once

#include "storage/base/OpenSsl.hpp"
#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

struct ChallengeCert {
    std::int64_t id = 0;
    std::string identifier;
    ossl::X509Ptr cert;
    ossl::PKeyPtr key;
    storage::UnixTime expires = 0;
};

class ChallengeIndex {
public:
    // Builds from Store::active_challenges(TlsAlpn01). Rows whose certificate
    // or key does not parse (or do not match) are skipped and counted. When two
    // rows share an identifier, the newest (highest id) wins.
    explicit ChallengeIndex(const std::vector<storage::Challenge>& rows);

    // The unexpired challenge for `identifier` (already normalized), or nullptr.
    const ChallengeCert* find(std::string_view identifier, storage::UnixTime now) const;

    std::size_t size() const { return by_identifier_.size(); }
    std::size_t rejected() const { return rejected_; }

private:
    std::unordered_map<std::string, std::shared_ptr<const ChallengeCert>> by_identifier_;
    std::size_t rejected_ = 0;
};

}  // namespace certa::handshake
