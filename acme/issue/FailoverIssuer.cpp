// Issuance with CA failover (FailoverIssuer.hpp).
#include "acme/issue/FailoverIssuer.hpp"

#include "acme/issue/FailoverPolicy.hpp"
#include "storage/StoreError.hpp"
#include "storage/base/Text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace certa::acme {

namespace {

std::string describe(const std::vector<CaAttempt>& attempts) {
    std::string out = "no CA issued the certificate:";
    for (std::size_t i = 0; i < attempts.size(); ++i)
        out += (i == 0 ? " " : "; ") + attempts[i].server + ": " + attempts[i].message;
    return out;
}

}  // namespace

CaFailoverError::CaFailoverError(std::vector<CaAttempt> attempts, bool stopped)
    : std::runtime_error(describe(attempts)), attempts_(std::move(attempts)), stopped_(stopped) {}

std::exception_ptr CaFailoverError::relevant() const {
    if (attempts_.empty()) return nullptr;
    return stopped_ ? attempts_.back().error : attempts_.front().error;
}

FailoverIssuer::FailoverIssuer(storage::Store& store, ChallengeSolver& solver, std::vector<CaEndpoint> cas) {
    if (cas.empty()) throw std::logic_error("FailoverIssuer: no CA");
    for (auto& ca : cas) {
        servers_.push_back(ca.client->directory_url());
        issuers_.push_back(std::make_unique<Issuer>(store, *ca.client, solver, std::move(ca.account)));
    }
}

FailoverIssuer::~FailoverIssuer() = default;

template <typename Attempt>
storage::CertificateRecord FailoverIssuer::first_success(const std::vector<Identifier>& identifiers, Attempt&& attempt) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<CaAttempt> attempts;
    for (std::size_t i = 0; i < issuers_.size(); ++i) {
        try {
            return attempt(*issuers_[i]);
        } catch (const std::exception& e) {
            // A store that cannot take writes fails every CA alike; callers test for it by type.
            if (storage::store_unusable(e)) throw;
            attempts.push_back({servers_[i], std::current_exception(), storage::one_line(e.what())});
            const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
            const auto remaining = std::max(kFailoverRunBudget - elapsed, std::chrono::seconds{0});
            const bool stop = failover_decision(e, remaining) == FailoverDecision::Stop;
            if (stop || i + 1 == issuers_.size()) {
                if (attempts.size() == 1) throw;
                throw CaFailoverError(std::move(attempts), stop);
            }
            spdlog::warn("{}: CA {} failed ({}); trying {}", join_names(identifiers), servers_[i],
                         attempts.back().message, servers_[i + 1]);
        }
    }
    throw std::logic_error("FailoverIssuer: no CA");  // unreachable: the loop returns or throws
}

storage::CertificateRecord FailoverIssuer::issue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                                 const IssueExtras& extras) {
    return first_success(identifiers, [&](Issuer& issuer) {
        {
            std::lock_guard lock(account_mutex_);
            issuer.ensure_account();  // loaded or registered once per CA, whichever thread comes first
        }
        return issuer.issue(identifiers, settings, extras);
    });
}

storage::CertificateRecord FailoverIssuer::reissue(const std::vector<Identifier>& identifiers,
                                                   const IssueSettings& settings,
                                                   const storage::CertificateRecord& current,
                                                   const storage::LeaseFence& fence, bool deploy_pending) {
    return first_success(identifiers, [&](Issuer& issuer) {
        return issuer.reissue(identifiers, settings, current, fence, deploy_pending);
    });
}

std::vector<EachOutcome> FailoverIssuer::issue_each(const std::vector<Identifier>& identifiers,
                                                    const IssueSettings& settings, int parallel) {
    std::vector<EachOutcome> outcomes(identifiers.size());
    for (std::size_t i = 0; i < identifiers.size(); ++i) outcomes[i].identifier = identifiers[i];
    // Stored with each row when there is a deploy step (`--deploy`): the caller deploys it.
    IssueExtras extras;
    extras.deploy_pending = settings.has_deploy_step();
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < outcomes.size(); i = next++) {
            try {
                outcomes[i].record = issue({outcomes[i].identifier}, settings, extras);
            } catch (const std::exception& e) {
                outcomes[i].error = storage::one_line(e.what());
                spdlog::warn("{}: {}", outcomes[i].identifier.value, e.what());
            }
        }
    };
    const std::size_t threads = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(parallel, 1)), 1,
                                                        std::max<std::size_t>(outcomes.size(), 1));
    {
        std::vector<std::jthread> pool;  // joined at the end of this block, before outcomes is returned
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
    }
    return outcomes;
}

}  // namespace certa::acme
