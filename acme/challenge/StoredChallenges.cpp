#include "acme/challenge/StoredChallenges.hpp"

#include "storage/base/Clock.hpp"


namespace certa::acme {

void StoredChallenges::put(storage::Challenge row) {
    row.expires = storage::unix_now() + row_lifetime_s_;
    const std::int64_t id = store_.put_challenge(row);
    std::lock_guard lock(mutex_);
    rows_[row.token] = id;
}

void StoredChallenges::remove(const std::string& token) {
    std::int64_t id = 0;
    {
        std::lock_guard lock(mutex_);
        auto it = rows_.find(token);
        if (it == rows_.end()) return;
        id = it->second;
        rows_.erase(it);
    }
    store_.delete_challenge(id);
}

}  // namespace certa::acme
