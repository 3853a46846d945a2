// The bounded parsed-material cache (see MaterialCache.hpp).
#include "handshake/agent/MaterialCache.hpp"

#include "handshake/agent/LoaderPool.hpp"

#include <algorithm>

namespace certa::handshake {
namespace {

constexpr std::size_t kMaxShards = 16;

}  // namespace

MaterialCache::MaterialCache(Loader loader, Options options)
    : loader_(std::move(loader)),
      options_(std::move(options)),
      negative_(options_.negative_capacity),
      log_(options_.on_error) {
    // With a bound, each shard holds its share, so that the shards together
    // never exceed it; at least 64 each, so that CLOCK has room to work.
    const std::size_t count =
        options_.capacity == 0 ? kMaxShards : std::clamp<std::size_t>(options_.capacity / 64, 1, kMaxShards);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t share = options_.capacity == 0
                                      ? 0
                                      : options_.capacity / count + (i < options_.capacity % count ? 1 : 0);
        shards_.push_back(std::make_unique<Shard>(share));
    }
}

MaterialCache::MaterialPtr MaterialCache::get(const IndexRecord& record, bool counted) {
    return lookup_or_load(record, counted, true);
}

void MaterialCache::Flight::when_done(std::function<void()> ready) {
    {
        std::lock_guard lock(mutex);
        if (!done) {
            waiters.push_back(std::move(ready));
            return;
        }
    }
    ready();
}

MaterialCache::Attempt MaterialCache::find_or_join(Shard& shard, const IndexRecord& record, bool counted,
                                                   bool for_handshake, bool& leader) {
    leader = false;
    std::lock_guard lock(shard.mutex);
    if (auto hit = shard.ring.find(record.id)) {
        if (counted) hits_.add();
        return {std::move(hit), nullptr};
    }
    if (counted) misses_.add();
    if (negative_.blocked(record.id, NegativeCache::Clock::now())) return {};
    auto& slot = shard.flights[record.id];
    if (!slot) {
        slot = std::make_shared<Flight>();
        leader = true;
    }
    slot->for_handshake = slot->for_handshake || for_handshake;
    return {nullptr, slot};
}

MaterialCache::Attempt MaterialCache::get_or_start(const IndexRecord& record) {
    Shard& shard = shard_of(record.id);
    bool leader = false;
    Attempt attempt = find_or_join(shard, record, true, true, leader);
    if (!attempt.pending) return attempt;  // a hit, or a row to skip
    if (!leader) {
        shared_waits_.add();  // another miss's load: this one waits for it too
        return attempt;
    }
    if (options_.pool) {
        // The job holds the flight, not the cache's lifetime: the pool is stopped before the cache goes.
        if (options_.pool->submit([this, &shard, record, flight = attempt.pending] { lead(shard, record, *flight); }))
            return attempt;
    }
    return {lead(shard, record, *attempt.pending), nullptr};  // no pool, or its queue is full: load here
}

void MaterialCache::warm(const IndexRecord& record) {
    if (full()) return;
    (void)lookup_or_load(record, false, false);
}

bool MaterialCache::full() const { return options_.capacity > 0 && parsed_.load() >= options_.capacity; }

MaterialCache::MaterialPtr MaterialCache::lookup_or_load(const IndexRecord& record, bool counted, bool for_handshake) {
    Shard& shard = shard_of(record.id);
    bool leader = false;
    Attempt attempt = find_or_join(shard, record, counted, for_handshake, leader);
    if (!attempt.pending) return attempt.material;
    const FlightPtr& flight = attempt.pending;
    if (leader) return lead(shard, record, *flight);
    // Another handshake is loading this id: wait for that load only.
    shared_waits_.add();
    std::unique_lock lock(flight->mutex);
    flight->done_cv.wait(lock, [&] { return flight->done; });
    return flight->material;
}

// Runs the load for `record` with no lock held, publishes it, wakes the waiters.
MaterialCache::MaterialPtr MaterialCache::lead(Shard& shard, const IndexRecord& record, Flight& flight) {
    Loaded loaded;
    try {
        loaded = loader_(record);
    } catch (const std::exception& e) {
        loaded = Loaded{Loaded::Result::Unavailable, nullptr, e.what()};
    } catch (...) {
        loaded = Loaded{Loaded::Result::Unavailable, nullptr, "unknown error"};
    }
    loads_.add();
    const bool ok = loaded.result == Loaded::Result::Ok && loaded.material;
    MaterialPtr evicted;  // freed after the shard's lock is released
    {
        std::lock_guard lock(shard.mutex);
        // A warm load that no handshake wants takes only free room (see the header).
        if (ok && (flight.for_handshake || !shard.ring.full())) {
            const bool fresh = !shard.ring.find(record.id);
            evicted = shard.ring.insert(record.id, loaded.material);
            if (evicted && fresh) evictions_.add();
            if (fresh && !evicted) ++parsed_;
        }
        shard.flights.erase(record.id);
    }
    if (!ok) {
        load_failures_.add();
        const auto retry = loaded.result == Loaded::Result::Unavailable ? options_.unavailable_retry
                                                                        : options_.broken_retry;
        if (negative_.add(record.id, NegativeCache::Clock::now() + retry))
            log_.report(record.id, "certificate row " + std::to_string(record.id) + ": " +
                                       (loaded.error.empty() ? "does not load" : loaded.error));
    }
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard lock(flight.mutex);
        flight.material = ok ? loaded.material : nullptr;
        flight.done = true;
        waiters.swap(flight.waiters);
    }
    flight.done_cv.notify_all();
    for (auto& ready : waiters) {
        try {
            ready();
        } catch (...) {
            // A paused handshake's host failed to resume it; the others still run.
        }
    }
    return ok ? loaded.material : nullptr;
}

MaterialCache::MaterialPtr MaterialCache::held(std::int64_t id) {
    Shard& shard = shard_of(id);
    std::lock_guard lock(shard.mutex);
    return shard.ring.find(id);
}

void MaterialCache::erase(std::int64_t id) {
    Shard& shard = shard_of(id);
    MaterialPtr dropped;
    {
        std::lock_guard lock(shard.mutex);
        dropped = shard.ring.erase(id);
    }
    if (dropped) --parsed_;
    negative_.erase(id);
}

MaterialCache::Stats MaterialCache::stats() const {
    Stats s;
    s.parsed = parsed_.load();
    s.hits = hits_.load();
    s.misses = misses_.load();
    s.loads = loads_.load();
    s.shared_waits = shared_waits_.load();
    s.evictions = evictions_.load();
    s.load_failures = load_failures_.load();
    s.negative = negative_.size();
    return s;
}

}  // namespace certa::handshake
