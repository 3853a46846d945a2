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
// the store (issuance_requests, one row per name) by the gate's writer thread,
// and the optional external check (--ask) runs on its own asker thread, each
// with its own bounded queue. handshake/ never talks
// to the CA: an ACME worker sharing the store (cli composes one into serve)
// fulfils the request and the Agent picks the certificate up.
// The writer thread also re-reads, every store_poll, the store's allow/deny
// list (only when the store generation moved) and the names whose issuance
// failed on any host sharing the store (refused until their retry time).
//
// Flood resistance (issue 14): pending asks and pending requests are kept in
// two separate DeadlineTables (one kind cannot crowd out the other), each
// entry expires at its own deadline and a full table evicts its oldest entry
// rather than reporting "pending"; a client may cause at most
// asks_per_client_per_minute asks (ClientAskLimiter); refusal log lines are
// rate-limited (RefusalLog) and carry the normalized name only.
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/ondemand/ClientAskLimiter.hpp"
#include "handshake/ondemand/DeadlineTable.hpp"
#include "handshake/ondemand/OnDemandPolicy.hpp"
#include "handshake/ondemand/RefusalLog.hpp"
#include "storage/base/Clock.hpp"
#include "storage/Store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

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
    std::size_t max_queue = 1000;                   // queued store writes, and queued checks, at most (each)
    std::chrono::milliseconds store_poll{1000};     // stored rules and failures re-read this often
    int asks_per_client_per_minute = 20;            // --ask checks one client address may cause
    std::size_t log_burst = 20;                     // refusal log lines per log_interval at most
    std::chrono::seconds log_interval{60};
    // Monotonic time for deduplication deadlines, rate limits and the log
    // limit (tests drive it from a storage::ManualClock).
    std::function<std::chrono::steady_clock::time_point()> monotonic = [] { return std::chrono::steady_clock::now(); };
};

struct OnDemandStats {
    std::uint64_t denied = 0;        // refused by the policy (incl. the negative cache)
    std::uint64_t rate_limited = 0;
    std::uint64_t requested = 0;     // requests written (or found) in the store
    std::uint64_t renewals = 0;      // renewal requests queued for certificates in their window
    std::uint64_t ask_limited = 0;   // --ask checks refused because their client asked too often
    std::uint64_t evicted = 0;       // pending entries dropped early to make room (asks + requests)
    std::size_t queued = 0;          // jobs waiting for the gate's threads (store writes + --ask checks) now
    std::size_t asks_queued = 0;     //   of those: --ask checks
};

class OnDemandGate {
public:
    enum class Decision { Serve, Deny, Wait };

    // `agent` must outlive the gate; `store` is the gate's own connection.
    OnDemandGate(OnDemandOptions options, const Agent& agent, std::unique_ptr<storage::Store> store);
    ~OnDemandGate();
    OnDemandGate(const OnDemandGate&) = delete;
    OnDemandGate& operator=(const OnDemandGate&) = delete;

    // `sni` as sent by the client; `client` its address as text (what serve's
    // connection saw: see ClientAskLimiter). Cheap; callable from any thread.
    Decision check(const std::string& sni, const std::string& client);
    std::chrono::milliseconds wait() const { return options_.wait; }
    // A handshake waited wait() in vain: refuse the name from memory for the
    // negative TTL (its request stays in the store; once the certificate
    // arrives it is served again).
    void gave_up(const std::string& sni);
    OnDemandStats stats() const;

private:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Job {
        std::string name;
        std::string reason;  // "issue" or "renew"
    };
    // Both: caller holds mutex_; false when that queue is full.
    bool enqueue_request(Job job);
    bool enqueue_ask(Job job);
    // The request path of check() for a name the policy allows.
    Decision request(const std::string& name, const std::string& reason, TimePoint now);
    Decision ask(const std::string& name, const std::string& reason, const std::string& client, TimePoint now);
    void write_loop();
    void ask_loop();
    void write_request(const Job& job);
    // Loads the stored rules (when the generation moved) and failures into the policy.
    void refresh_from_store();

    OnDemandOptions options_;
    const Agent& agent_;
    std::unique_ptr<storage::Store> store_;
    OnDemandPolicy policy_;
    std::int64_t rules_generation_ = -1;  // worker thread only

    RefusalLog refusals_;

    mutable std::mutex mutex_;
    std::condition_variable requests_cv_, asks_cv_;
    std::deque<Job> requests_, asks_;
    DeadlineTable pending_requests_;  // "issue:", "expired:", "renew:" + name
    DeadlineTable pending_asks_;      // names with an --ask check queued or running
    ClientAskLimiter ask_limiter_;
    OnDemandStats stats_;
    bool stopping_ = false;
    std::thread writer_, asker_;
};

}  // namespace certa::handshake
