// RAII transaction, rolled back on scope exit unless commit() ran. Writers use
// Immediate (takes the write lock up front, so the busy timeout applies and no
// read-to-write upgrade can fail); multi-statement reads use Deferred for one
// consistent snapshot.
#pragma once

#include "storage/sqlite/SqliteConnection.hpp"

namespace certa::storage {

class SqliteTransaction {
public:
    enum class Mode { Deferred, Immediate };
    SqliteTransaction(SqliteConnection& connection, Mode mode) : connection_(connection) {
        connection_.exec(mode == Mode::Immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    }
    ~SqliteTransaction() {
        if (!done_) {
            try {
                connection_.exec("ROLLBACK");
            } catch (...) {  // SQLite may already have rolled back (e.g. after SQLITE_FULL)
            }
        }
    }
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    void commit() {
        connection_.exec("COMMIT");
        done_ = true;
    }

private:
    SqliteConnection& connection_;
    bool done_ = false;
};

}  // namespace certa::storage
