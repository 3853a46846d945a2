// Maintenance noticed at handshake time (cf. certmagic's handshakeMaintenance):
// a served certificate past its renewal time (storage/RenewalWindow) asks for
// a renewal, a stale staple (past half its validity) for an OCSP refresh. A
// host that sleeps (laptop, suspended VM) misses its timers; its handshakes
// then still get the work queued.
//
// The handshake only pushes into this bounded in-memory queue, at most once
// per certificate and kind per `interval` (a bounded table of what was
// queued when); the agent's watcher thread calls flush(), which writes the
// requests to the store (Store::request_renewal, Store::request_ocsp_refresh),
// where `certa renew` and `certa worker` take them. Nothing here waits on the
// network or the store on a handshake thread. A read-only agent (nginx
// workers) never enables it: the worker's own schedule covers those hosts.
#pragma once

#include "storage/StoreTypes.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace certa::storage {
class Store;
}

namespace certa::handshake {

class MaintenanceQueue {
public:
    enum class Kind : std::uint8_t { Renewal, OcspRefresh };
    struct Job {
        std::int64_t certificate_id = 0;
        Kind kind = Kind::Renewal;
    };
    struct Stats {
        std::uint64_t queued = 0;   // jobs pushed (after de-duplication)
        std::uint64_t written = 0;  // requests that changed a row in the store
        std::uint64_t dropped = 0;  // jobs lost to a full queue or table
    };

    // interval 0 disables the queue (push does nothing).
    MaintenanceQueue(std::chrono::seconds interval, std::size_t max_queue = 1024, std::size_t max_table = 16384);

    bool enabled() const { return interval_.count() > 0; }
    // From a handshake: a leaf with this validity was served at `now`.
    void note_served(std::int64_t certificate_id, storage::UnixTime not_before, storage::UnixTime not_after,
                     storage::UnixTime now);
    // From a handshake: this certificate's staple is stale.
    void note_stale_staple(std::int64_t certificate_id, storage::UnixTime now);
    // Watcher thread: writes the queued jobs to the store; a failed write is dropped (the next handshake after the interval queues it again).
    void flush(storage::Store& store);
    Stats stats() const;

private:
    void push(std::int64_t certificate_id, Kind kind, storage::UnixTime now);

    const std::chrono::seconds interval_;
    const std::size_t max_queue_, max_table_;
    mutable std::mutex mutex_;
    std::vector<Job> queue_;
    // Last time each (id, kind) was queued; key = id * 2 + kind.
    std::unordered_map<std::int64_t, storage::UnixTime> last_queued_;
    std::atomic<std::uint64_t> queued_{0}, written_{0}, dropped_{0};
};

}  // namespace certa::handshake
