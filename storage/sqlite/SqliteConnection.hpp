// RAII owner of one sqlite3* connection, plus the mapping of SQLite result
// codes onto StoreError kinds. Not thread-safe: TableStore serializes access.
#pragma once

#include "storage/StoreError.hpp"

#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;

namespace certa::storage {

class SqliteConnection {
public:
    // Opens an existing file (never creates it: StoreFile does that with the
    // right mode). busy_timeout_ms bounds every wait for another writer.
    SqliteConnection(const std::string& path, bool read_only, int busy_timeout_ms);
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    sqlite3* get() const { return db_.get(); }
    const std::string& path() const { return path_; }
    bool read_only() const { return read_only_; }

    // Runs SQL without results (may hold several statements).
    void exec(const char* sql);
    int changes() const;

    // Throws the StoreError matching `rc`, with `what` naming the operation.
    // Messages carry SQLite's text, never bound values (they may be secrets).
    [[noreturn]] void fail(int rc, const std::string& what) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const noexcept;
    };
    std::unique_ptr<sqlite3, Closer> db_;
    std::string path_;
    bool read_only_;
    int busy_timeout_ms_;
};

// The StoreError for a SQLite result code (primary code decides the kind).
StoreError sqlite_error(int rc, const std::string& location, const std::string& what,
                        const std::string& detail, int busy_timeout_ms);

}  // namespace certa::storage
