// `certa store migrate`: copies every table of one store into another, empty
// store of either backend (SQLite file or PostgreSQL URL), keeping ids,
// generations and fencing tokens, then verifies the copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace certa::storage::copy {

struct TableCount {
    std::string table;
    std::int64_t source = 0;
    std::int64_t target = 0;
};

struct CopyReport {
    std::string from;  // locations as printed (passwords redacted)
    std::string to;
    std::vector<TableCount> tables;
    std::size_t certificates_verified = 0;  // certificates whose hashes matched
};

// Opens (migrating) the source, creates (or opens) the target and refuses it
// unless it holds no rows; copies in one target transaction; then verifies
// row counts, the counters and a SHA-256 of every certificate as each store
// returns it. Throws StoreError (Invalid: target not empty or same store;
// Corrupt: verification failed).
CopyReport copy_store(const std::string& from, const std::string& to);

}  // namespace certa::storage::copy
