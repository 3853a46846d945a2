#include "acme/challenge/TlsAlpn01Solver.hpp"

#include "acme/challenge/TlsAlpnChallengeCertificate.hpp"
#include "storage/base/Clock.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace certa::acme {

TlsAlpn01Solver::TlsAlpn01Solver(storage::Store& store, long row_lifetime_s)
    : store_(store), rows_(store, row_lifetime_s) {}

void TlsAlpn01Solver::present(const Identifier& identifier, const std::string& token,
                              const std::string& key_authorization) {
    // RFC 8737 §3: not usable for wildcard identifiers.
    if (identifier.is_wildcard()) throw std::runtime_error("tls-alpn-01 cannot validate a wildcard name (use dns-01)");
    auto made = TlsAlpnChallengeCertificate::create(identifier, key_authorization);
    storage::Challenge row;
    row.type = storage::ChallengeType::TlsAlpn01;
    row.identifier = identifier.value;
    row.token = token;
    row.key_authorization = key_authorization;
    row.cert_pem = std::move(made.cert_pem);
    row.key_pem = std::move(made.key_pem);
    rows_.put(std::move(row));
}

void TlsAlpn01Solver::settle() {
    try {
        // This connection wrote the rows, so it re-reads the counter: at least
        // the generation of those writes (a later one by someone else only
        // makes the wait a poll longer).
        if (await_agents(store_.current_generation()) != Wait::NoAgents) return;
    } catch (const std::exception& e) {
        spdlog::debug("tls-alpn-01: cannot read the serving agents ({}); waiting {} ms", e.what(), kSettleTime.count());
    }
    std::this_thread::sleep_for(kSettleTime);
}

TlsAlpn01Solver::Wait TlsAlpn01Solver::await_agents(std::int64_t generation) {
    const auto cap = std::chrono::steady_clock::now() + kConfirmCap;
    const int max_rounds = static_cast<int>(kConfirmCap / kConfirmPoll) + 1;  // bounded in count too
    for (int round = 0;; ++round) {
        const auto agents = store_.serving_agents_seen_since(storage::unix_now() - kAgentWindow.count());
        if (agents.empty()) {
            spdlog::debug("tls-alpn-01: no serving agent reported in the last {} s; waiting {} ms",
                          kAgentWindow.count(), kSettleTime.count());
            return Wait::NoAgents;
        }
        const auto behind = std::count_if(agents.begin(), agents.end(), [&](const storage::ServingAgent& a) {
            return a.loaded_generation < generation;
        });
        if (behind == 0) {
            spdlog::debug("tls-alpn-01: {} serving agent(s) confirmed generation {} after {} poll(s)", agents.size(),
                          generation, round + 1);
            return Wait::Confirmed;
        }
        if (round + 1 >= max_rounds || std::chrono::steady_clock::now() >= cap) {
            spdlog::warn("tls-alpn-01: {} of {} serving agent(s) have not loaded generation {} after {} ms; "
                         "asking the CA to validate anyway",
                         behind, agents.size(), generation, kConfirmCap.count());
            return Wait::Capped;
        }
        std::this_thread::sleep_for(kConfirmPoll);
    }
}

void TlsAlpn01Solver::cleanup(const Identifier& identifier, const std::string& token, const std::string&) noexcept {
    try {
        rows_.remove(token);
    } catch (const std::exception& e) {
        spdlog::warn("tls-alpn-01 cleanup for {} failed: {}", identifier.value, e.what());
    }
}

}  // namespace certa::acme
