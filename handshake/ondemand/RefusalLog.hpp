// Rate limit for the per-refusal log lines of on-demand (issue 14): a flood of
// refused names must not flood the log. At most `burst` lines are written per
// `interval`; the rest are only counted, and once the interval is over (at the
// next refusal, or at tick(), which the gate's worker calls every store poll)
// one line reports how many were suppressed. Callers log normalized names
// only, never raw SNI bytes. Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>

namespace certa::handshake {

class RefusalLog {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    RefusalLog(std::size_t burst, std::chrono::seconds interval);

    // Logs the line unless this interval's burst is used up (then counts it).
    template <typename... Args>
    void write(TimePoint now, spdlog::level::level_enum level, spdlog::format_string_t<Args...> format,
               Args&&... args) {
        if (admit(now)) spdlog::log(level, format, std::forward<Args>(args)...);
    }
    // Starts a new interval when the current one is over, reporting what it suppressed.
    void tick(TimePoint now);

    // True when a line may be written now (and counts it); exposed for tests.
    bool admit(TimePoint now);
    // Refusals not logged in all (for tests and stats).
    std::uint64_t suppressed_total() const;

private:
    // Caller holds mutex_.
    void roll(TimePoint now);

    const std::size_t burst_;
    const std::chrono::seconds interval_;
    mutable std::mutex mutex_;
    TimePoint started_{};
    bool started_set_ = false;
    std::size_t written_ = 0;
    std::uint64_t suppressed_ = 0;  // in the current interval
    std::uint64_t suppressed_total_ = 0;
};

}  // namespace certa::handshake
