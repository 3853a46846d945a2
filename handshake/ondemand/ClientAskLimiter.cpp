#include "handshake/ondemand/ClientAskLimiter.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace certa::handshake {

ClientAskLimiter::ClientAskLimiter(int per_minute, std::size_t max_clients)
    : per_minute_(std::max(per_minute, 1)), max_clients_(std::max<std::size_t>(max_clients, 1)) {}

std::string ClientAskLimiter::bucket(const std::string& client) {
    in6_addr v6{};
    if (inet_pton(AF_INET6, client.c_str(), &v6) != 1) return client;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        in_addr v4{};
        std::memcpy(&v4, v6.s6_addr + 12, 4);
        return inet_ntop(AF_INET, &v4, text.data(), text.size()) ? std::string(text.data()) : client;
    }
    std::memset(v6.s6_addr + 8, 0, 8);  // keep the /64 prefix
    if (!inet_ntop(AF_INET6, &v6, text.data(), text.size())) return client;
    return std::string(text.data()) + "/64";
}

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
    Bucket& b = find_or_add(bucket(client), now);
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
