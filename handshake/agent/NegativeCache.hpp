// A bounded set of certificate row ids whose material could not be loaded or
// parsed, each with a time before which it is not tried again. At most
// `capacity` ids: a new id replaces the oldest (a ring), so a flood of bad
// rows cannot grow memory. Thread-safe (one mutex, held for a hash lookup).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

class NegativeCache {
public:
    using Clock = std::chrono::steady_clock;
    explicit NegativeCache(std::size_t capacity);

    // Whether `id` is held and its retry time has not come (an expired id is dropped).
    bool blocked(std::int64_t id, Clock::time_point now);
    // Holds `id` until `retry_at`; true when it was not held before.
    bool add(std::int64_t id, Clock::time_point retry_at);
    void erase(std::int64_t id);
    std::size_t size() const;
    std::size_t capacity() const { return ring_.size(); }

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::int64_t, Clock::time_point> retry_at_;
    std::vector<std::int64_t> ring_;  // insertion order; 0: free
    std::size_t next_ = 0;
};

}  // namespace certa::handshake
