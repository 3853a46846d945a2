// What TableStore needs from a backend beyond its connection: identity,
// checks, and change detection (which really differs: SQLite's PRAGMA
// data_version, PostgreSQL's LISTEN/NOTIFY plus a poll interval).
#pragma once

#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <string>

namespace certa::storage::sql {

class Backend {
public:
    virtual ~Backend() = default;
    virtual Connection& connection() = 0;
    virtual int schema_version() = 0;
    // "ok" when the backend's own integrity check passes, else its findings.
    virtual std::string integrity_check() = 0;
    // The generation counter, re-read only when another writer may have
    // committed or `wrote_locally` (this handle committed since the last call).
    virtual std::int64_t current_generation(bool wrote_locally) = 0;
    // From any thread, while another may be inside a statement: makes the
    // statement under way now (one waiting on a lock, say) fail soon with a
    // StoreError. For shutting down without waiting out the lock timeout.
    virtual void interrupt() = 0;
};

}  // namespace certa::storage::sql
