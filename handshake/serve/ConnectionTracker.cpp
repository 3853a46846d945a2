#include "handshake/serve/ConnectionTracker.hpp"

namespace certa::handshake {

ConnectionTracker::Ticket& ConnectionTracker::Ticket::operator=(Ticket&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::move(other.owner_);
        client_ = std::move(other.client_);
    }
    return *this;
}

void ConnectionTracker::Ticket::release() {
    if (auto owner = std::move(owner_)) owner->release_one(client_);
}

std::shared_ptr<ConnectionTracker> ConnectionTracker::create(std::size_t limit, std::size_t per_client) {
    return std::shared_ptr<ConnectionTracker>(new ConnectionTracker(limit, per_client));
}

std::size_t ConnectionTracker::client_share(std::size_t active) const {
    if (per_client_ == 0) return limit_;
    const std::size_t free = limit_ - std::min(active, limit_);
    const std::size_t share = (per_client_ * free + limit_ - 1) / limit_;  // rounded up
    return std::max(min_share_, share);
}

std::optional<ConnectionTracker::Ticket> ConnectionTracker::try_acquire(const std::string& client,
                                                                        const std::function<bool()>& make_room) {
    const bool per_client = per_client_ != 0 && !client.empty();
    std::lock_guard lock(mutex_);
    const std::size_t active = active_.load();
    if (per_client) {
        auto it = by_client_.find(client);
        if (it != by_client_.end() && it->second >= client_share(active)) return std::nullopt;
    }
    if (active >= limit_ && !(make_room && make_room())) return std::nullopt;
    active_.fetch_add(1);
    if (!per_client) return Ticket(shared_from_this(), {});
    ++by_client_[client];
    return Ticket(shared_from_this(), client);
}

void ConnectionTracker::when_idle(std::function<void()> callback) {
    {
        std::lock_guard lock(mutex_);
        if (active_.load() != 0) {
            on_idle_ = std::move(callback);
            return;
        }
    }
    callback();
}

void ConnectionTracker::cancel_idle_callback() {
    std::lock_guard lock(mutex_);
    on_idle_ = nullptr;
}

void ConnectionTracker::release_one(const std::string& client) {
    std::function<void()> callback;
    {
        std::lock_guard lock(mutex_);
        if (!client.empty()) {
            auto it = by_client_.find(client);
            if (it != by_client_.end() && --it->second == 0) by_client_.erase(it);
        }
        if (active_.fetch_sub(1) == 1) {
            callback = std::move(on_idle_);
            on_idle_ = nullptr;
        }
    }
    if (callback) callback();
}

}  // namespace certa::handshake
