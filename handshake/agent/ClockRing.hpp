// A bounded map from certificate row id to parsed material with CLOCK
// eviction (second chance): a lookup sets the entry's reference bit; when the
// ring is full, an insert sweeps the hand past referenced entries (clearing
// their bit) and replaces the first unreferenced one. O(1) amortized, one
// 24-byte slot plus one hash node per entry. Not thread-safe: MaterialCache
// guards each ring with its shard's mutex.
#pragma once

#include "handshake/agent/CertMaterial.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

class ClockRing {
public:
    using MaterialPtr = std::shared_ptr<const CertMaterial>;
    // At most `capacity` entries; 0: no bound (nothing is ever evicted).
    explicit ClockRing(std::size_t capacity) : capacity_(capacity) {}

    // The entry for `id` (its reference bit set), or null.
    MaterialPtr find(std::int64_t id);
    // Inserts or replaces `id`; returns the material evicted to make room
    // (null when none), for the caller to free outside its lock.
    MaterialPtr insert(std::int64_t id, MaterialPtr material);
    // Drops `id`; returns its material (null when it was not held).
    MaterialPtr erase(std::int64_t id);
    std::size_t size() const { return where_.size(); }
    std::size_t capacity() const { return capacity_; }
    // Whether an insert of a new id would evict one.
    bool full() const { return capacity_ > 0 && where_.size() >= capacity_; }

private:
    struct Slot {
        std::int64_t id = 0;
        MaterialPtr material;  // null: a free slot
        bool referenced = false;
    };
    std::size_t capacity_;
    std::vector<Slot> slots_;
    std::unordered_map<std::int64_t, std::uint32_t> where_;
    std::vector<std::uint32_t> free_;  // slots emptied by erase()
    std::size_t hand_ = 0;
};

}  // namespace certa::handshake
