// A bounded set of keys, each alive until its own deadline (steady time), for
// the on-demand gate's deduplication. Expired keys are swept in deadline order
// as they come due (no periodic global sweep); when the table is full, the
// live key closest to its deadline is evicted to make room. So a flood of new
// keys pushes old ones out sooner, but a new key is always taken: the table
// never answers "full" (issue 14: a full table used to look like "pending").
// Not thread-safe: the gate holds its mutex around every call.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

namespace certa::handshake {

class DeadlineTable {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit DeadlineTable(std::size_t capacity);

    // True when `key` is in the table and its deadline is after `now`.
    bool contains(const std::string& key, TimePoint now);
    // Adds `key` (or moves its deadline) to `deadline`, first sweeping what
    // expired by `now`, then evicting the entry due soonest if still full.
    void insert(const std::string& key, TimePoint deadline, TimePoint now);
    void erase(const std::string& key);

    std::size_t size() const { return entries_.size(); }
    std::size_t capacity() const { return capacity_; }
    // Live entries dropped to make room since construction.
    std::uint64_t evicted() const { return evicted_; }

private:
    using ByDeadline = std::multimap<TimePoint, std::string>;
    void sweep(TimePoint now);

    std::size_t capacity_;
    ByDeadline by_deadline_;
    std::unordered_map<std::string, ByDeadline::iterator> entries_;
    std::uint64_t evicted_ = 0;
};

}  // namespace certa::handshake
