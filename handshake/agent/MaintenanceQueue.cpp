#include "handshake/agent/MaintenanceQueue.hpp"

#include "storage/RenewalWindow.hpp"
#include "storage/Store.hpp"

#include <exception>

namespace certa::handshake {

MaintenanceQueue::MaintenanceQueue(std::chrono::seconds interval, std::size_t max_queue, std::size_t max_table)
    : interval_(interval), max_queue_(max_queue), max_table_(max_table) {}

void MaintenanceQueue::note_served(std::int64_t certificate_id, storage::UnixTime not_before,
                                   storage::UnixTime not_after, storage::UnixTime now) {
    if (!enabled() || certificate_id == 0) return;
    // The lifetime rule of `certa renew` (without ARI); an expired certificate is overdue too.
    if (now < storage::renewal_window_start(not_before, not_after)) return;
    push(certificate_id, Kind::Renewal, now);
}

void MaintenanceQueue::note_stale_staple(std::int64_t certificate_id, storage::UnixTime now) {
    if (!enabled() || certificate_id == 0) return;
    push(certificate_id, Kind::OcspRefresh, now);
}

void MaintenanceQueue::push(std::int64_t certificate_id, Kind kind, storage::UnixTime now) {
    const std::int64_t key = certificate_id * 2 + static_cast<std::int64_t>(kind);
    std::lock_guard lock(mutex_);
    auto it = last_queued_.find(key);
    if (it != last_queued_.end() && now - it->second < interval_.count()) return;
    if (queue_.size() >= max_queue_) {
        ++dropped_;
        return;
    }
    if (it == last_queued_.end() && last_queued_.size() >= max_table_) {
        // Bounded: forget what is older than the interval; still full, drop this one.
        std::erase_if(last_queued_, [&](const auto& entry) { return now - entry.second >= interval_.count(); });
        if (last_queued_.size() >= max_table_) {
            ++dropped_;
            return;
        }
    }
    last_queued_[key] = now;
    queue_.push_back({certificate_id, kind});
    ++queued_;
}

void MaintenanceQueue::flush(storage::Store& store) {
    std::vector<Job> jobs;
    {
        std::lock_guard lock(mutex_);
        jobs.swap(queue_);
    }
    for (const Job& job : jobs) {
        try {
            const bool changed = job.kind == Kind::Renewal
                                     ? store.request_renewal(job.certificate_id, "renewal due (seen at handshake time)")
                                     : store.request_ocsp_refresh(job.certificate_id);
            if (changed) ++written_;
        } catch (const std::exception&) {
            ++dropped_;  // queued again by a handshake after the interval
        }
    }
}

MaintenanceQueue::Stats MaintenanceQueue::stats() const {
    return {queued_.load(), written_.load(), dropped_.load()};
}

}  // namespace certa::handshake
