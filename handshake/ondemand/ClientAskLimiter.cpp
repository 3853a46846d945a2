#include "handshake/ondemand/ClientAskLimiter.hpp"

#include "handshake/agent/ClientGroup.hpp"

#include <algorithm>

namespace certa::handshake {

ClientAskLimiter::ClientAskLimiter(int per_minute, std::size_t max_clients)
    : per_minute_(std::max(per_minute, 1)), max_clients_(std::max<std::size_t>(max_clients, 1)) {}

ClientAskLimiter::Bucket& ClientAskLimiter::find_or_add(const std::string& key, TimePoint now) {
    if (auto it = buckets_.find(key); it != buckets_.end()) {
        recent_.splice(recent_.begin(), recent_, it->second.recent);
        return it->second;
    }
    if (buckets_.size() >= max_clients_) {
        buckets_.erase(recent_.back());
        recent_.pop_back();
    }
    recent_.push_front(key);
    return buckets_.emplace(key, Bucket{per_minute_, now, recent_.begin()}).first->second;
}

bool ClientAskLimiter::take(const std::string& client, TimePoint now) {
    Bucket& b = find_or_add(client_group(client), now);
    const double elapsed_min = std::chrono::duration<double, std::ratio<60>>(now - b.refilled).count();
    if (elapsed_min > 0) {
        b.tokens = std::min(per_minute_, b.tokens + elapsed_min * per_minute_);
        b.refilled = now;
    }
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

}  // namespace certa::handshake
