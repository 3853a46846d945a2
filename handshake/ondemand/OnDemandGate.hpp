// On-demand issuance at handshake time (certa serve --on-demand), cf.
// certmagic's handshake.go. The connection router asks check(SNI) for every
// non-challenge connection:
//   Serve - a currently valid certificate is indexed (when it is in its
//           renewal window, one renewal request is queued as well), or the
//           name is not a DNS name: the Agent decides as usual;
//   Deny  - the policy refuses the name (in memory, no store write), or a
//           rate limit is exhausted: the Agent decides (the handshake fails
//           fast unless a default name is configured);
//   Wait  - a request is queued (or already pending): the router re-checks
//           until the certificate appears or wait() runs out.
// check() never blocks on the store or the network: requests are written to
// the store (issuance_requests, one row per name) and the optional external
// check (--ask) runs on the gate's own worker thread. handshake/ never talks
// to the CA: an ACME worker sharing the store (cli composes one into serve)
// fulfils the request and the Agent picks the certificate up.
// The same worker thread re-reads, every store_poll, the store's allow/deny
// list (only when the store generation moved) and the names whose issuance
// failed on any host sharing the store (refused until their retry time).
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/ondemand/OnDemandPolicy.hpp"
#include "storage/Clock.hpp"
#include "storage/Store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace certa::handshake {

struct OnDemandOptions {
    std::vector<std::string> allow;                 // exact names or "*.example.com"
    // External check (--ask): true = allowed. Runs on the gate's worker thread
    // only; it must bound its own time. Empty: none.
    std::function<bool(const std::string& name)> ask;
    OnDemandLimits limits;
    std::chrono::milliseconds wait{10000};          // a handshake waits this long at most
    // Wall-clock time for validity and renewal windows (tests inject one).
    const storage::Clock* clock = &storage::Clock::system();
    std::size_t max_queue = 1000;                   // queued store writes / checks at most
    std::chrono::milliseconds store_poll{1000};     // stored rules and failures re-read this often
};

struct OnDemandStats {
    std::uint64_t denied = 0;        // refused by the policy (incl. the negative cache)
    std::uint64_t rate_limited = 0;
    std::uint64_t requested = 0;     // requests written (or found) in the store
    std::uint64_t renewals = 0;      // renewal requests queued for certificates in their window
    std::size_t queued = 0;          // jobs waiting for the gate's worker (store write or --ask) now
};

class OnDemandGate {
public:
    enum class Decision { Serve, Deny, Wait };

    // `agent` must outlive the gate; `store` is the gate's own connection.
    OnDemandGate(OnDemandOptions options, const Agent& agent, std::unique_ptr<storage::Store> store);
    ~OnDemandGate();
    OnDemandGate(const OnDemandGate&) = delete;
    OnDemandGate& operator=(const OnDemandGate&) = delete;

    // `sni` as sent by the client. Cheap; callable from any thread.
    Decision check(const std::string& sni);
    std::chrono::milliseconds wait() const { return options_.wait; }
    // A handshake waited wait() in vain: refuse the name from memory for the
    // negative TTL (its request stays in the store; once the certificate
    // arrives it is served again).
    void gave_up(const std::string& sni);
    OnDemandStats stats() const;

private:
    struct Job {
        std::string name;
        std::string reason;  // "issue" or "renew"
        bool ask = false;    // run the external check first
    };
    bool enqueue(Job job);
    void work();
    void write_request(const Job& job);
    // Loads the stored rules (when the generation moved) and failures into the policy.
    void refresh_from_store();
    // True when `name` was queued within the last wait period (deduplication).
    bool recently_queued(const std::string& key, std::chrono::steady_clock::time_point now);

    OnDemandOptions options_;
    const Agent& agent_;
    std::unique_ptr<storage::Store> store_;
    OnDemandPolicy policy_;
    std::int64_t rules_generation_ = -1;  // worker thread only

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Job> queue_;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> queued_;
    OnDemandStats stats_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace certa::handshake
