// The Agent behind Agent::open: holds the served snapshot (swapped atomically),
// the loader (with the agent's own Store connection), the parsed-material
// cache (with PemSource's connections for its misses), the watcher thread,
// the low-priority pre-parse thread, and (pause_on_miss) the loader threads
// that load for paused ClientHellos.
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/agent/ClientHelloHandler.hpp"
#include "handshake/agent/IndexLoader.hpp"
#include "handshake/agent/LoaderPool.hpp"
#include "handshake/agent/MaintenanceQueue.hpp"
#include "handshake/agent/MaterialCache.hpp"
#include "handshake/agent/PemSource.hpp"
#include "handshake/agent/RelaxedCounter.hpp"
#include "handshake/agent/Snapshot.hpp"
#include "handshake/agent/StapleResponder.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace certa::handshake {

class AgentImpl final : public Agent {
public:
    AgentImpl(std::unique_ptr<storage::Store> store, AgentOptions options);
    ~AgentImpl() override;

    void attach(SSL_CTX* ctx) override;
    void attach_stapling(SSL_CTX* ctx) override;
    void refresh() override;
    std::size_t certificate_count() const override;
    std::size_t challenge_count() const override;
    std::int64_t generation() const override;
    AgentStats stats() const override;
    std::string last_reload_error() const override;
    std::optional<Validity> validity_for(const std::string& name) const override;
    void record_client_hello(SSL* ssl) override;
    HostChoice select_for_host(SSL* ssl, const std::string& default_name) override;
    bool select_challenge_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                               const unsigned char* in, unsigned int inlen) override;

    // The OpenSSL callbacks (arg is the AgentImpl).
    static int on_client_hello(SSL* ssl, int* alert, void* arg);
    static int on_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg);

private:
    void watch_loop();
    void preparse_loop();
    // The cache's loader: reads row `record.id` (PemSource, else the main store) and parses it.
    MaterialCache::Loaded load_material(const IndexRecord& record);
    // options_.on_loaded when the served generation moved or the beat is due (watcher only).
    void report_loaded();
    std::shared_ptr<const Snapshot> snapshot() const;
    void publish(std::shared_ptr<const Snapshot> next);
    // Counts a refused ClientHello by its alert (on_client_hello, select_for_host).
    void count_refusal(int alert, const Selection& selection);

    AgentOptions options_;
    // The agent's Store, owned by loader_ (declared first: set before the move).
    // Thread-safe itself; the hooks use it from the watcher and the destructor.
    storage::Store* store_;
    // Misses read their row through these connections (null when the store's
    // location cannot be opened again: then through store_).
    std::shared_ptr<PemSource> pems_;
    // pause_on_miss: runs the cache's loads for paused ClientHellos (null when
    // off). Declared before cache_, which points to it; stopped first in ~AgentImpl.
    std::unique_ptr<LoaderPool> pool_;
    std::unique_ptr<MaterialCache> cache_;
    MaintenanceQueue maintenance_;
    StapleResponder stapler_;
    ClientHelloHandler handler_;
    // The served snapshot. The mutex guards only the pointer copy/exchange (a
    // few nanoseconds): a handshake never waits on a reload, and old
    // snapshots are destroyed outside it. (std::atomic<std::shared_ptr> in
    // libstdc++ 12 is lock-based too, and ThreadSanitizer reports it.)
    mutable std::mutex snapshot_mutex_;
    std::shared_ptr<const Snapshot> snapshot_;

    mutable std::mutex load_mutex_;  // serializes use of loader_ (and its Store)
    IndexLoader loader_;
    // Last options_.on_loaded call (watcher only).
    bool reported_ = false;
    std::int64_t reported_generation_ = 0;
    std::chrono::steady_clock::time_point reported_at_{};
    std::string last_error_;         // guarded by load_mutex_
    std::vector<IndexRecord> backlog_;                       // to pre-parse; guarded by load_mutex_
    std::size_t in_flight_ = 0;                              // taken by the pre-parser; guarded by load_mutex_
    std::condition_variable backlog_cv_;                     // (with load_mutex_) backlog grew or stopping

    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    std::atomic<bool> stopping_{false};
    std::thread watcher_;
    std::thread preparser_;

    // Bumped on every handshake: relaxed, lock-free (RelaxedCounter).
    RelaxedCounter handshakes_, challenges_, leaves_, unknown_name_, no_challenge_, refused_other_, paused_;
    std::atomic<std::uint64_t> reloads_{0}, reload_errors_{0}, preparsed_{0}, backlog_size_{0};
    std::atomic<std::chrono::steady_clock::rep> last_sync_{0};  // AgentStats::last_sync, as a count
};

}  // namespace certa::handshake
