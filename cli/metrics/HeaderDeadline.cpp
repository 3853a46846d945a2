#include "cli/metrics/HeaderDeadline.hpp"

#include <sys/socket.h>

#include <algorithm>

namespace certa::cli {

HeaderDeadline::HeaderDeadline(std::chrono::milliseconds limit) : limit_(limit), watchdog_([this] { watch(); }) {}

HeaderDeadline::~HeaderDeadline() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    watchdog_.join();
}

void HeaderDeadline::header_due(int fd) {
    {
        std::lock_guard lock(mutex_);
        due_[fd] = Clock::now() + limit_;
    }
    wake_.notify_one();
}

void HeaderDeadline::header_received(int fd) {
    std::lock_guard lock(mutex_);
    due_.erase(fd);
}

void HeaderDeadline::closed(int fd) {
    std::lock_guard lock(mutex_);
    due_.erase(fd);
}

// Sleeps until the earliest deadline (or a new connection), then ends every
// connection past its own. Under the lock, a descriptor in `due_` is still
// open: the server calls closed() before it closes one.
void HeaderDeadline::watch() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const auto now = Clock::now();
        auto next = Clock::time_point::max();
        for (auto it = due_.begin(); it != due_.end();) {
            if (it->second <= now) {
                ::shutdown(it->first, SHUT_RDWR);
                it = due_.erase(it);
            } else {
                next = std::min(next, it->second);
                ++it;
            }
        }
        if (next == Clock::time_point::max()) wake_.wait(lock);
        else wake_.wait_until(lock, next);
    }
}

}  // namespace certa::cli
