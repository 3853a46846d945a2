// The bounded cache of parsed certificate material (AgentOptions::
// max_parsed_certificates), keyed by store row id. The index (CertIndex)
// knows every name; only this cache holds parsed leaves, chains and keys.
//
// - A hit takes one shard mutex for a hash lookup (ids spread over up to 16
//   shards, each a ClockRing with its share of the bound, 64 at least): at most
//   `capacity` certificates are held parsed, evicted by CLOCK.
// - A miss loads the row by id (Loader: one indexed store read + parse) with
//   no lock held. Concurrent misses for one id share one load (single
//   flight: the others wait for that load only); misses for other ids never
//   wait on it.
// - A row that fails (gone, does not parse, key mismatch) goes into a
//   bounded NegativeCache for `broken_retry`; a store that cannot be read
//   now, for `unavailable_retry`. Meanwhile a handshake skips it at once
//   (the selector falls back to another candidate, the default name or the
//   alert). Each failure is reported once per period, rate-limited (LoadErrorLog).
// - get_or_start() never blocks on a load (AgentOptions::pause_on_miss): a
//   miss starts the load on the LoaderPool (or joins the one in flight for
//   that id: still one load) and returns its Flight, whose when_done()
//   callbacks run on the loader thread once it has finished, loaded or
//   failed. The handshake pauses (SSL_CLIENT_HELLO_RETRY) and, run again,
//   finds the material cached. A full pool queue: the load runs inline.
// - warm() (the background pre-parse) only fills free room: a warm load that
//   finds the ring full when it finishes keeps nothing, so it never evicts
//   what handshakes loaded meanwhile. A handshake that joined its flight
//   makes it a handshake's load (kept, evicting by CLOCK as usual).
#pragma once

#include "handshake/agent/CertIndex.hpp"
#include "handshake/agent/CertMaterial.hpp"
#include "handshake/agent/ClockRing.hpp"
#include "handshake/agent/LoadErrorLog.hpp"
#include "handshake/agent/NegativeCache.hpp"
#include "handshake/agent/RelaxedCounter.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

class LoaderPool;

class MaterialCache {
public:
    using MaterialPtr = std::shared_ptr<const CertMaterial>;
    struct Loaded {
        enum class Result { Ok, Broken, Unavailable };
        Result result = Result::Unavailable;
        MaterialPtr material;  // set when Ok
        std::string error;     // what went wrong otherwise (no secrets)
    };
    // Reads and parses one row; may throw (counted as Unavailable).
    using Loader = std::function<Loaded(const IndexRecord&)>;

    struct Options {
        std::size_t capacity = 0;  // certificates held parsed at most; 0: no bound
        std::size_t negative_capacity = 4096;
        std::chrono::milliseconds broken_retry{60'000};
        std::chrono::milliseconds unavailable_retry{1'000};
        LoadErrorLog::Sink on_error;
        // Runs get_or_start()'s loads (null: they run on the caller's thread). Must outlive the cache.
        LoaderPool* pool = nullptr;
    };
    struct Stats {
        std::size_t parsed = 0;
        std::uint64_t hits = 0, misses = 0, loads = 0, shared_waits = 0, evictions = 0, load_failures = 0;
        std::size_t negative = 0;
    };

    // One load of one id, shared by every miss that comes while it runs.
    class Flight {
    public:
        // Calls `ready` once: at once on this thread when the load has
        // finished, else on the loading thread when it does. Never blocks on the load.
        void when_done(std::function<void()> ready);

    private:
        friend class MaterialCache;
        std::mutex mutex;
        std::condition_variable done_cv;
        bool done = false;
        bool for_handshake = false;  // a handshake led or joined it (guarded by the shard's mutex)
        MaterialPtr material;
        std::vector<std::function<void()>> waiters;  // when_done callbacks not run yet
    };
    using FlightPtr = std::shared_ptr<Flight>;
    // get_or_start's answer: the material (a hit, or loaded inline), or the
    // flight to wait for, or neither (the row is broken or unreadable now: skip it).
    struct Attempt {
        MaterialPtr material;
        FlightPtr pending;
    };

    MaterialCache(Loader loader, Options options);
    MaterialCache(const MaterialCache&) = delete;
    MaterialCache& operator=(const MaterialCache&) = delete;

    // The record's material: cached, or loaded now (see above). Null when the
    // row is broken or cannot be read now.
    // `counted`: false for a handshake's second look after a pause (its miss was counted).
    MaterialPtr get(const IndexRecord& record, bool counted = true);
    // Never waits for a load (see above): a hit, or the flight of the load
    // (started now on the pool, or already running), or neither.
    Attempt get_or_start(const IndexRecord& record);
    // Loads the record ahead of use (background pre-parse) unless it is
    // cached, negative, or the cache is full; counts no hit or miss.
    void warm(const IndexRecord& record);
    bool full() const;
    // The material held for `id` now, or null; never loads, counts nothing.
    MaterialPtr held(std::int64_t id);
    // Forgets `id` (its row left the index): its material and negative entry.
    void erase(std::int64_t id);
    Stats stats() const;
    std::size_t capacity() const { return options_.capacity; }

private:
    struct alignas(64) Shard {
        explicit Shard(std::size_t capacity) : ring(capacity) {}
        std::mutex mutex;
        ClockRing ring;
        std::unordered_map<std::int64_t, std::shared_ptr<Flight>> flights;
    };
    // By a mix of the id: ids come in strides (every 10th row...), which a plain modulo would crowd into few shards.
    Shard& shard_of(std::int64_t id) {
        return *shards_[((static_cast<std::uint64_t>(id) * 0x9e3779b97f4a7c15ULL) >> 32) % shards_.size()];
    }
    MaterialPtr lookup_or_load(const IndexRecord& record, bool counted, bool for_handshake);
    // A hit (material), or the flight for the id with `leader` set when this
    // call started it; counts hit/miss. `for_handshake`: false for warm().
    Attempt find_or_join(Shard& shard, const IndexRecord& record, bool counted, bool for_handshake, bool& leader);
    MaterialPtr lead(Shard& shard, const IndexRecord& record, Flight& flight);

    Loader loader_;
    Options options_;
    std::vector<std::unique_ptr<Shard>> shards_;
    NegativeCache negative_;
    LoadErrorLog log_;
    std::atomic<std::size_t> parsed_{0};
    RelaxedCounter hits_, misses_, loads_, shared_waits_, evictions_, load_failures_;
};

}  // namespace certa::handshake
