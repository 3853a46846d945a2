// tls-alpn-01 (RFC 8737): the RFC 8737 §3 challenge certificate and its key
// are written to the store as a challenge row; a handshake agent (this
// process's temporary one with --tls-port, or `certa serve`) presents it to
// a validator that offers ALPN "acme-tls/1". cleanup() deletes the row.
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/challenge/StoredChallenges.hpp"
#include "storage/ChallengeType.hpp"

#include <string>

namespace certa::acme {

class TlsAlpn01Solver : public ChallengeSolver {
public:
    explicit TlsAlpn01Solver(storage::Store& store, long row_lifetime_s = 3600);
    const char* type() const override { return storage::to_string(storage::ChallengeType::TlsAlpn01); }
    void present(const Identifier& identifier, const std::string& token, const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;
    // The agents that answer (`certa serve`, possibly on other hosts) poll the
    // store every 100 ms. When some have reported to the store recently
    // (serving_agents), settle() waits until every one of them has loaded the
    // generation of the challenge rows (bounded by kConfirmCap; after it the
    // CA's own retries deal with a slow host). With none registered it sleeps
    // kSettleTime: a few polls. A responder refreshed directly (--tls-port)
    // wraps this solver and waits 0.
    std::chrono::milliseconds settle_time() const override { return kSettleTime; }
    void settle() override;
    static constexpr std::chrono::milliseconds kSettleTime{500};
    // Agents whose last report is older than this are not waited for (they beat every ~10 s).
    static constexpr std::chrono::seconds kAgentWindow{30};
    static constexpr std::chrono::milliseconds kConfirmCap{5000};
    static constexpr std::chrono::milliseconds kConfirmPoll{25};

private:
    enum class Wait { NoAgents, Confirmed, Capped };
    // Polls serving_agents until every live agent loaded `generation`. Throws StoreError.
    Wait await_agents(std::int64_t generation);

    storage::Store& store_;
    StoredChallenges rows_;
};

}  // namespace certa::acme
