#include "storage/sqlite/SqliteConnection.hpp"

#include <sqlite3.h>

#include <cerrno>

namespace certa::storage {

void SqliteConnection::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

SqliteConnection::SqliteConnection(const std::string& path, bool read_only, int busy_timeout_ms)
    : path_(path), read_only_(read_only), busy_timeout_ms_(busy_timeout_ms) {
    // NOMUTEX: TableStore holds its own mutex around every use of the handle.
    int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_.reset(raw);  // owned even on failure: sqlite3_open_v2 may allocate a handle
    if (rc != SQLITE_OK) {
        std::string detail = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        throw sqlite_error(rc, path_, "cannot open", detail, busy_timeout_ms_);
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, busy_timeout_ms);
}

void SqliteConnection::exec(const char* sql) {
    int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "statement failed");
}


int SqliteConnection::changes() const { return sqlite3_changes(db_.get()); }

void SqliteConnection::fail(int rc, const std::string& what) const {
    // A full file system often reaches SQLite as a plain I/O error (a write
    // to the WAL or its shared-memory file); the OS errno tells it apart.
    int os_error = sqlite3_system_errno(db_.get());
    if ((rc & 0xff) == SQLITE_IOERR && (os_error == ENOSPC || os_error == EDQUOT)) rc = SQLITE_FULL;
    throw sqlite_error(rc, path_, what, sqlite3_errmsg(db_.get()), busy_timeout_ms_);
}

StoreError sqlite_error(int rc, const std::string& location, const std::string& what,
                        const std::string& detail, int busy_timeout_ms) {
    using Kind = StoreError::Kind;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return StoreError(Kind::Locked, "store " + location + " is locked by another writer (waited " +
                                            std::to_string(busy_timeout_ms) + " ms)");
    case SQLITE_NOTADB:
        return StoreError(Kind::NotAStore, location + " is not a certa store (not an SQLite database)");
    case SQLITE_CORRUPT:
        return StoreError(Kind::Corrupt, "store " + location + " is corrupt (" + what + ": " + detail + ")");
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
        return StoreError(Kind::Invalid, "store " + location + ": " + what + ": " + detail);
    case SQLITE_FULL:
        return StoreError(Kind::Io, "store " + location + ": " + what + ": disk full (" + detail + ")");
    default:
        return StoreError(Kind::Io, "store " + location + ": " + what + ": " + detail);
    }
}

}  // namespace certa::storage
