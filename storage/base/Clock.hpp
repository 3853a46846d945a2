// The one source of wall-clock time for every module. Code that decides by
// time (renewal windows, leases, back-off, challenge expiry, validity checks
// at handshake time) reads it through a Clock so tests can inject one;
// everything else calls unix_now(). All times are Unix seconds.
#pragma once

#include <atomic>
#include <cstdint>

namespace certa::storage {

using UnixTime = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    virtual UnixTime now() const = 0;

    // The system's real-time clock; lives for the whole process.
    static const Clock& system();
};

// Now, by the system clock.
inline UnixTime unix_now() { return Clock::system().now(); }

// A clock that stands still until moved: for tests. Thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(UnixTime start) : now_(start) {}
    UnixTime now() const override { return now_.load(std::memory_order_relaxed); }
    void set(UnixTime t) { now_.store(t, std::memory_order_relaxed); }
    void advance(UnixTime seconds) { now_.fetch_add(seconds, std::memory_order_relaxed); }

private:
    std::atomic<UnixTime> now_;
};

}  // namespace certa::storage
