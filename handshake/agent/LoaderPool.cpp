// Loader threads with a bounded queue (see LoaderPool.hpp).
#include "handshake/agent/LoaderPool.hpp"

#include <algorithm>
#include <utility>

namespace certa::handshake {

LoaderPool::LoaderPool(std::size_t threads, std::size_t max_queued) : max_queued_(std::max<std::size_t>(1, max_queued)) {
    const std::size_t count = std::max<std::size_t>(1, threads);
    threads_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) threads_.emplace_back([this] { run(); });
}

LoaderPool::~LoaderPool() { stop(); }

bool LoaderPool::submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queued_) return false;
        queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
}

void LoaderPool::close() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
}

void LoaderPool::stop() {
    std::deque<std::function<void()>> dropped;
    close();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    {
        std::lock_guard lock(mutex_);
        dropped.swap(queue_);
    }
    // `dropped` goes here, outside the lock (its jobs' captures may free much).
}

void LoaderPool::run() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            job();
        } catch (...) {
            // A job reports its own failures (MaterialCache); the thread goes on.
        }
    }
}

}  // namespace certa::handshake
