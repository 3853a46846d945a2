#include "acme/issue/OnDemandWorker.hpp"

#include "acme/challenge/ChallengeSetup.hpp"
#include "acme/issue/FailoverIssuer.hpp"
#include "acme/lease/LeaseKeeper.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/request/Identifier.hpp"
#include "storage/RenewalWindow.hpp"
#include "storage/Store.hpp"
#include "storage/StoreError.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <vector>

namespace certa::acme {

namespace {

// Calls a hook after present() (see OnDemandWorkerOptions::after_present).
class HookedSolver : public ChallengeSolver {
public:
    HookedSolver(std::unique_ptr<ChallengeSolver> inner, std::function<void()> hook)
        : inner_(std::move(inner)), hook_(std::move(hook)) {}
    const char* type() const override { return inner_->type(); }
    void present(const Identifier& id, const std::string& token, const std::string& keyauth) override {
        inner_->present(id, token, keyauth);
        if (hook_) hook_();
    }
    void cleanup(const Identifier& id, const std::string& token, const std::string& keyauth) noexcept override {
        inner_->cleanup(id, token, keyauth);
    }
    // The inner solver's wait, hook or not: the hook refreshes this process's
    // agent, but the CA may reach any server sharing the store (another
    // `certa serve`, nginx's workers under `certa worker`), and tls-alpn-01
    // waits until every live agent has loaded the challenge.
    std::chrono::milliseconds settle_time() const override { return inner_->settle_time(); }
    void settle() override { inner_->settle(); }

private:
    std::unique_ptr<ChallengeSolver> inner_;
    std::function<void()> hook_;
};

// A certificate that no longer needs the request: valid and (for renewals)
// outside its renewal window.
bool fulfilled(const std::optional<storage::CertificateRecord>& cert, const std::string& reason, storage::UnixTime now) {
    if (!cert) return false;
    if (now < cert->not_before || now >= cert->not_after) return false;
    return reason != "renew" || !storage::in_renewal_window(cert->not_before, cert->not_after, now);
}

// One request under its lease; failures defer it (back-off in the store).
void handle(storage::Store& store, FailoverIssuer& issuer,
            const IssueSettings& settings, const storage::IssuanceRequest& request, const OnDemandWorkerOptions& options,
            const std::string& owner) {
    const std::string lease = "ondemand:" + request.name;
    auto grant = store.acquire_lease(lease, owner, options.lease_seconds);
    if (!grant.acquired) return;  // another worker (maybe another machine) has it
    // Renewed every ttl/3 while the order runs; released when this returns.
    LeaseKeeper keeper(store, lease, grant.token, options.lease_seconds);
    try {
        const auto identifiers = parse_identifiers({request.name});
        auto current = store.find_active_certificate(request.name);
        if (fulfilled(current, request.reason, options.clock->now())) {
            store.finish_issuance_request(request.name);
        } else if (current) {
            spdlog::info("on-demand: renewing {}", request.name);
            issuer.reissue(identifiers, settings, *current, keeper.fence());
            store.finish_issuance_request(request.name);
        } else {
            spdlog::info("on-demand: issuing {}", request.name);
            IssueExtras extras;
            extras.fence = keeper.fence();
            issuer.issue(identifiers, settings, extras);
            store.finish_issuance_request(request.name);
        }
    } catch (const std::exception& e) {
        // Back-off doubles per failure (30 s, 60 s, ...), bounded.
        const int shift = std::min(request.attempts, 10);
        const auto delay = std::min<storage::UnixTime>(30LL << shift, options.max_backoff_seconds);
        spdlog::warn("on-demand: {} failed: {}", request.name, e.what());
        if (storage::store_unusable(e)) return;  // recording it would fail the same way; the lease expires
        try {
            store.fail_issuance_request(request.name, e.what(), options.clock->now() + delay);
        } catch (const std::exception& inner) {
            spdlog::warn("on-demand: cannot record the failure for {}: {}", request.name, inner.what());
        }
    }
}

}  // namespace

OnDemandWorker::OnDemandWorker(OnDemandWorkerOptions options) : options_(std::move(options)) {
    thread_ = std::thread([this] { run(); });
}

OnDemandWorker::~OnDemandWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void OnDemandWorker::run() {
    const std::string owner = "serve-" + std::to_string(::getpid());
    try {
        auto store = storage::open_store(options_.store_location);
        // One client per CA of the list, tried in order for every request.
        const auto servers = options_.settings.ca_list();
        std::vector<std::unique_ptr<AcmeClient>> clients;
        std::vector<CaEndpoint> cas;
        for (std::size_t i = 0; i < servers.size(); ++i) {
            clients.push_back(std::make_unique<AcmeClient>(servers[i], HttpOptions{options_.settings.ca_bundle}));
            cas.push_back({clients.back().get(), i < options_.accounts.size() ? options_.accounts[i] : RegisterOptions{}});
        }
        HookedSolver solver(make_solver(options_.settings, *store), options_.after_present);
        FailoverIssuer issuer(*store, solver, std::move(cas));
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                if (cv_.wait_for(lock, options_.poll, [&] { return stopping_; })) return;
            }
            std::vector<storage::IssuanceRequest> due;
            try {
                due = store->due_issuance_requests(16);
            } catch (const std::exception& e) {
                spdlog::warn("on-demand: cannot read requests: {}", e.what());
                continue;
            }
            for (const auto& request : due) {
                {
                    std::lock_guard lock(mutex_);
                    if (stopping_) return;
                }
                handle(*store, issuer, options_.settings, request, options_, owner);
            }
        }
    } catch (const std::exception& e) {
        spdlog::error("on-demand: the ACME worker stopped: {}", e.what());
    }
}

}  // namespace certa::acme
