// Everything one handshake needs, frozen: the certificate index and the
// pending challenges as of one store generation. Replaced as a whole.
#pragma once

#include "handshake/agent/CertIndex.hpp"
#include "handshake/agent/ChallengeIndex.hpp"

#include <cstdint>
#include <memory>

namespace certa::handshake {

struct Snapshot {
    std::shared_ptr<const CertIndex> certs = std::make_shared<const CertIndex>();
    std::shared_ptr<const ChallengeIndex> challenges =
        std::make_shared<const ChallengeIndex>(std::vector<storage::Challenge>{});
    std::int64_t generation = -1;  // -1: nothing loaded yet
};

}  // namespace certa::handshake
