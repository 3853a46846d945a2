// A monotonic event counter for hot paths (the ClientHello callback, the
// connection router): one relaxed atomic increment, no lock, no allocation.
// Readers (a metrics scrape) only need each value to be eventually exact, not
// ordered with other memory. Each counter has its own cache line so that io
// threads bumping different counters do not contend.
#pragma once

#include <atomic>
#include <cstdint>

namespace certa::handshake {

class alignas(64) RelaxedCounter {
public:
    void add() noexcept { value_.fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t load() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

}  // namespace certa::handshake
