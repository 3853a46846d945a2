#include "handshake/serve/HelloQueue.hpp"

namespace certa::handshake {

HelloQueue::Entry& HelloQueue::Entry::operator=(Entry&& other) noexcept {
    if (this != &other) {
        leave();
        queue_ = std::move(other.queue_);
        id_ = other.id_;
    }
    return *this;
}

void HelloQueue::Entry::leave() {
    if (auto queue = std::move(queue_)) queue->remove(id_);
}

std::shared_ptr<HelloQueue> HelloQueue::create() { return std::shared_ptr<HelloQueue>(new HelloQueue()); }

HelloQueue::Entry HelloQueue::enqueue(Evict evict) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    waiting_.emplace(id, std::move(evict));
    return Entry(shared_from_this(), id);
}

bool HelloQueue::evict_oldest() {
    Evict evict;
    {
        std::lock_guard lock(mutex_);
        if (waiting_.empty()) return false;
        evict = std::move(waiting_.begin()->second);
        waiting_.erase(waiting_.begin());
    }
    if (evict) evict();
    return true;
}

std::size_t HelloQueue::size() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
}

void HelloQueue::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    waiting_.erase(id);
}

}  // namespace certa::handshake
