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

std::optional<ConnectionTracker::Ticket> ConnectionTracker::try_acquire(const std::string& client) {
    std::size_t current = active_.load();
    do {
        if (current >= limit_) return std::nullopt;
    } while (!active_.compare_exchange_weak(current, current + 1));
    if (per_client_ == 0 || client.empty()) return Ticket(shared_from_this(), {});
    std::lock_guard lock(mutex_);
    std::size_t& held = by_client_[client];
    if (held >= per_client_) {
        active_.fetch_sub(1);  // never the last one: this client holds others
        return std::nullopt;
    }
    ++held;
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
