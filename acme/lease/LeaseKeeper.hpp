// Holds a store lease while work runs: renews it every ttl/3 in a background
// thread and releases it on destruction. `lost()` turns true when a renewal
// failed (another holder took over); puts fenced with `fence()` then fail.
#pragma once

#include "storage/Store.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace certa::acme {

class LeaseKeeper {
public:
    // Precondition: `token` was just granted for `name` by store.acquire_lease.
    LeaseKeeper(storage::Store& store, std::string name, std::int64_t token, int ttl_seconds);
    ~LeaseKeeper();
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    storage::LeaseFence fence() const { return {name_, token_}; }
    bool lost() const noexcept { return lost_; }

private:
    void keep(std::stop_token stop);

    storage::Store& store_;
    std::string name_;
    std::int64_t token_;
    int ttl_;
    std::atomic<bool> lost_{false};
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;  // last: started after every member it uses
};

}  // namespace certa::acme
