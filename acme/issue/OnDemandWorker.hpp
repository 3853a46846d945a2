// The ACME side of `certa serve --on-demand`: a thread that takes the
// issuance requests a handshake recorded in the store (issuance_requests),
// one at a time under a lease ("ondemand:NAME", so several serve processes
// sharing a store never order the same name twice), issues or renews with
// acme::Issuer and writes the certificate; the Agent picks it up through
// change detection. It shares the renewal path of `certa renew`
// (Issuer::reissue, the lease kept alive by LeaseKeeper, the renewal window of
// storage/RenewalWindow) and its CA failover (FailoverIssuer: the daemon's
// --server list, recorded with every certificate). cli composes it into serve: acme/ and handshake/ only
// meet in the store.
#pragma once

#include "acme/protocol/AccountService.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/base/Clock.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace certa::acme {

struct OnDemandWorkerOptions {
    std::string store_location;
    IssueSettings settings;                // server (and the CA list), ca_bundle, challenge, key type
    // One per settings.ca_list() entry, in that order (EAB is per CA).
    std::vector<RegisterOptions> accounts;
    std::chrono::milliseconds poll{250};   // how often the store is asked for requests
    int lease_seconds = 300;
    int max_backoff_seconds = 3600;        // after repeated failures
    // Run after a challenge is written to the store, before the CA is told to
    // validate (serve: the Agent refreshes, so it answers tls-alpn-01 at once).
    std::function<void()> after_present;
    const storage::Clock* clock = &storage::Clock::system();
};

class OnDemandWorker {
public:
    explicit OnDemandWorker(OnDemandWorkerOptions options);
    ~OnDemandWorker();  // stops and joins
    OnDemandWorker(const OnDemandWorker&) = delete;
    OnDemandWorker& operator=(const OnDemandWorker&) = delete;

private:
    void run();

    OnDemandWorkerOptions options_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace certa::acme
