// Waiting between polls of an ACME resource (RFC 8555 §7.5.1, §7.4):
// exponential backoff from a short first wait, capped, honouring the server's
// Retry-After, and never beyond an overall deadline.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace certa::acme {

class PollSchedule {
public:
    using Clock = std::chrono::steady_clock;
    using ms = std::chrono::milliseconds;

    // A 25 ms first wait doubling to a 2 s cap costs a CA a handful of extra
    // polls per order but finds a quick validation within ~2x its real time.
    PollSchedule(Clock::time_point deadline, ms first = ms(25), ms cap = ms(2000))
        : deadline_(deadline), next_(first), cap_(cap) {}

    // Sleeps before the next poll. Returns false (without sleeping) when the
    // deadline has passed or the next wait would cross it.
    bool wait(std::optional<std::chrono::seconds> retry_after = std::nullopt) {
        ms delay = retry_after ? std::chrono::duration_cast<ms>(*retry_after) : next_;
        next_ = std::min(cap_, next_ * 2);
        const auto now = Clock::now();
        if (now >= deadline_) return false;
        const auto left = std::chrono::duration_cast<ms>(deadline_ - now);
        std::this_thread::sleep_for(std::min(delay, left));
        return Clock::now() < deadline_;
    }

private:
    Clock::time_point deadline_;
    ms next_;
    ms cap_;
};

}  // namespace certa::acme
