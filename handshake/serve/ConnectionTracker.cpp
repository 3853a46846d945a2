#include "handshake/serve/ConnectionTracker.hpp"

namespace certa::handshake {

ConnectionTracker::Ticket& ConnectionTracker::Ticket::operator=(Ticket&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::move(other.owner_);
    }
    return *this;
}

void ConnectionTracker::Ticket::release() {
    if (auto owner = std::move(owner_)) owner->release_one();
}

std::shared_ptr<ConnectionTracker> ConnectionTracker::create(std::size_t limit) {
    return std::shared_ptr<ConnectionTracker>(new ConnectionTracker(limit));
}

std::optional<ConnectionTracker::Ticket> ConnectionTracker::try_acquire() {
    std::size_t current = active_.load();
    do {
        if (current >= limit_) return std::nullopt;
    } while (!active_.compare_exchange_weak(current, current + 1));
    return Ticket(shared_from_this());
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

void ConnectionTracker::release_one() {
    std::function<void()> callback;
    {
        std::lock_guard lock(mutex_);
        if (active_.fetch_sub(1) == 1) {
            callback = std::move(on_idle_);
            on_idle_ = nullptr;
        }
    }
    if (callback) callback();
}

}  // namespace certa::handshake
