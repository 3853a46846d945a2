// SQL for the leases table. A lease keeps two renewers (or two machines) from
// ordering the same certificate at once; its fencing token, drawn from a
// store-wide counter (Dialect::next_lease_token), grows with every grant so a
// stale holder's writes can be refused (LeaseFence). Callers hold a write
// transaction.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <string>

namespace certa::storage {

class LeaseTable {
public:
    // One upsert that takes the row when missing or expired (racing writers
    // serialise on the row), else reports the holder.
    static LeaseGrant acquire(sql::Connection& db, const std::string& name, const std::string& owner,
                              int ttl_seconds, UnixTime now);
    static bool renew(sql::Connection& db, const std::string& name, std::int64_t token, int ttl_seconds,
                      UnixTime now);
    static bool release(sql::Connection& db, const std::string& name, std::int64_t token);
    // True when `name` is held with `token` and has not expired; the row stays
    // locked until the transaction ends (PostgreSQL FOR UPDATE; SQLite's
    // write transaction locks the whole database).
    static bool holds(sql::Connection& db, const std::string& name, std::int64_t token, UnixTime now);
};

}  // namespace certa::storage
