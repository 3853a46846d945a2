#include "acme/lease/LeaseKeeper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace certa::acme {

LeaseKeeper::LeaseKeeper(storage::Store& store, std::string name, std::int64_t token, int ttl_seconds)
    : store_(store), name_(std::move(name)), token_(token), ttl_(std::max(ttl_seconds, 1)),
      thread_([this](std::stop_token stop) { keep(stop); }) {}

LeaseKeeper::~LeaseKeeper() {
    thread_.request_stop();
    thread_.join();
    try {
        store_.release_lease(name_, token_);
    } catch (const std::exception& e) {
        spdlog::warn("cannot release lease {}: {} (it expires by itself)", name_, e.what());
    }
}

void LeaseKeeper::keep(std::stop_token stop) {
    const auto period = std::chrono::milliseconds(ttl_ * 1000 / 3 + 1);
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        if (wake_.wait_for(lock, stop, period, [] { return false; })) break;
        if (stop.stop_requested()) break;
        try {
            if (!store_.renew_lease(name_, token_, ttl_)) {
                lost_ = true;
                spdlog::warn("lease {} was lost", name_);
                return;
            }
        } catch (const std::exception& e) {
            spdlog::warn("cannot renew lease {}: {}", name_, e.what());
        }
    }
}

}  // namespace certa::acme
