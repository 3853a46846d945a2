// The challenge rows one solver has written to the store, by token, so that
// cleanup() deletes exactly its own rows. Thread-safe.
#pragma once

#include "storage/Store.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace certa::acme {

class StoredChallenges {
public:
    StoredChallenges(storage::Store& store, long row_lifetime_s) : store_(store), row_lifetime_s_(row_lifetime_s) {}
    // Sets row.expires (now + lifetime), inserts the row and remembers it.
    void put(storage::Challenge row);
    // Deletes the row written for `token`, if any. Throws StoreError.
    void remove(const std::string& token);

private:
    storage::Store& store_;
    long row_lifetime_s_;
    std::mutex mutex_;
    std::map<std::string, std::int64_t> rows_;  // token → challenge row id
};

}  // namespace certa::acme
