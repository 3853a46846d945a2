#include "handshake/ondemand/DeadlineTable.hpp"

#include <algorithm>

namespace certa::handshake {

DeadlineTable::DeadlineTable(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void DeadlineTable::sweep(TimePoint now) {
    // The front of by_deadline_ is due first: stop at the first live entry.
    while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
        entries_.erase(by_deadline_.begin()->second);
        by_deadline_.erase(by_deadline_.begin());
    }
}

bool DeadlineTable::contains(const std::string& key, TimePoint now) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    if (it->second->first > now) return true;
    by_deadline_.erase(it->second);
    entries_.erase(it);
    return false;
}

void DeadlineTable::insert(const std::string& key, TimePoint deadline, TimePoint now) {
    erase(key);
    sweep(now);
    if (entries_.size() >= capacity_) {
        entries_.erase(by_deadline_.begin()->second);
        by_deadline_.erase(by_deadline_.begin());
        ++evicted_;
    }
    entries_.emplace(key, by_deadline_.emplace(deadline, key));
}

void DeadlineTable::erase(const std::string& key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    by_deadline_.erase(it->second);
    entries_.erase(it);
}

}  // namespace certa::handshake
