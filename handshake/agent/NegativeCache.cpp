#include "handshake/agent/NegativeCache.hpp"

#include <algorithm>

namespace certa::handshake {

NegativeCache::NegativeCache(std::size_t capacity) : ring_(std::max<std::size_t>(capacity, 1), 0) {
    retry_at_.reserve(ring_.size());
}

bool NegativeCache::blocked(std::int64_t id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = retry_at_.find(id);
    if (it == retry_at_.end()) return false;
    if (now < it->second) return true;
    retry_at_.erase(it);  // its ring slot is reused in turn
    return false;
}

bool NegativeCache::add(std::int64_t id, Clock::time_point retry_at) {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = retry_at_.try_emplace(id, retry_at);
    if (!fresh) {
        it->second = retry_at;
        return false;
    }
    // The slot's previous id (if still held) is the oldest: it goes.
    if (std::int64_t old = ring_[next_]; old != 0 && old != id) retry_at_.erase(old);
    ring_[next_] = id;
    next_ = (next_ + 1) % ring_.size();
    return true;
}

void NegativeCache::erase(std::int64_t id) {
    std::lock_guard lock(mutex_);
    retry_at_.erase(id);
}

std::size_t NegativeCache::size() const {
    std::lock_guard lock(mutex_);
    return retry_at_.size();
}

}  // namespace certa::handshake
