#include "cli/OnDemandWorker.hpp"

#include "acme/AcmeClient.hpp"
#include "acme/ChallengeSetup.hpp"
#include "acme/Identifier.hpp"
#include "acme/Issuer.hpp"
#include "storage/Store.hpp"
#include "storage/StoreError.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <exception>

namespace certa::cli {

namespace {

// Calls a hook after present() (see OnDemandWorkerOptions::after_present).
class HookedSolver : public acme::ChallengeSolver {
public:
    HookedSolver(std::unique_ptr<acme::ChallengeSolver> inner, std::function<void()> hook)
        : inner_(std::move(inner)), hook_(std::move(hook)) {}
    const char* type() const override { return inner_->type(); }
    void present(const acme::Identifier& id, const std::string& token, const std::string& keyauth) override {
        inner_->present(id, token, keyauth);
        if (hook_) hook_();
    }
    void cleanup(const acme::Identifier& id, const std::string& token, const std::string& keyauth) noexcept override {
        inner_->cleanup(id, token, keyauth);
    }

private:
    std::unique_ptr<acme::ChallengeSolver> inner_;
    std::function<void()> hook_;
};

storage::UnixTime now() { return static_cast<storage::UnixTime>(std::time(nullptr)); }

// A certificate that no longer needs the request: valid and (for renewals)
// outside the last third of its lifetime.
bool fulfilled(const std::optional<storage::CertificateRecord>& cert, const std::string& reason) {
    if (!cert) return false;
    const auto t = now();
    if (t < cert->not_before || t >= cert->not_after) return false;
    if (reason != "renew") return true;
    return (cert->not_after - t) * 3 >= (cert->not_after - cert->not_before);
}

// One request under its lease; failures defer it (back-off in the store).
void handle(storage::Store& store, acme::AcmeClient& client, acme::Issuer& issuer,
            const acme::IssueSettings& settings, const storage::IssuanceRequest& request, const OnDemandWorkerOptions& options,
            const std::string& owner) {
    const std::string lease = "ondemand:" + request.name;
    auto grant = store.acquire_lease(lease, owner, options.lease_seconds);
    if (!grant.acquired) return;  // another worker (maybe another machine) has it
    try {
        auto current = store.find_active_certificate(request.name);
        if (fulfilled(current, request.reason)) {
            store.finish_issuance_request(request.name);
        } else {
            acme::IssueExtras extras;
            extras.fence = storage::LeaseFence{lease, grant.token};
            if (current) {
                extras.replaces = current->id;
                // RFC 9773 §5: "replaces" only to the same CA and account that issued it.
                if (client.directory().renewal_info && issuer.ensure_account().id == current->account_id &&
                    client.directory_url() == current->server)
                    extras.replaces_cert_id = current->ari_cert_id;
                extras.event_kind = "renewed";
            }
            spdlog::info("on-demand: {} {}", current ? "renewing" : "issuing", request.name);
            issuer.issue(acme::parse_identifiers({request.name}), settings, extras);
            store.finish_issuance_request(request.name);
        }
    } catch (const std::exception& e) {
        // Back-off doubles per failure (30 s, 60 s, ...), bounded.
        const int shift = std::min(request.attempts, 10);
        const auto delay = std::min<storage::UnixTime>(30LL << shift, options.max_backoff_seconds);
        spdlog::warn("on-demand: {} failed: {}", request.name, e.what());
        if (storage::store_unusable(e)) return;  // recording it would fail the same way; the lease expires
        try {
            store.fail_issuance_request(request.name, e.what(), now() + delay);
        } catch (const std::exception& inner) {
            spdlog::warn("on-demand: cannot record the failure for {}: {}", request.name, inner.what());
        }
    }
    try {
        store.release_lease(lease, grant.token);
    } catch (const std::exception&) {
        // it expires by itself
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
        acme::AcmeClient client(options_.settings.server, acme::HttpOptions{options_.settings.ca_bundle});
        HookedSolver solver(acme::make_solver(options_.settings, *store), options_.after_present);
        acme::Issuer issuer(*store, client, solver, options_.account);
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
                handle(*store, client, issuer, options_.settings, request, options_, owner);
            }
        }
    } catch (const std::exception& e) {
        spdlog::error("on-demand: the ACME worker stopped: {}", e.what());
    }
}

}  // namespace certa::cli
