// SQL for the leases table. A lease keeps two renewers (or two machines) from
// ordering the same certificate at once; its fencing token, drawn from a
// store-wide counter in `meta`, grows with every grant so a stale holder's
// writes can be refused (LeaseFence).
#pragma once

#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <string>

namespace certa::storage {

class SqliteConnection;

class LeaseTable {
public:
    // Callers hold an IMMEDIATE transaction so that check-and-take is atomic.
    static LeaseGrant acquire(SqliteConnection& db, const std::string& name, const std::string& owner,
                              int ttl_seconds, UnixTime now);
    static bool renew(SqliteConnection& db, const std::string& name, std::int64_t token, int ttl_seconds,
                      UnixTime now);
    static bool release(SqliteConnection& db, const std::string& name, std::int64_t token);
    // True when `name` is held with `token` and has not expired.
    static bool holds(SqliteConnection& db, const std::string& name, std::int64_t token, UnixTime now);
};

}  // namespace certa::storage
