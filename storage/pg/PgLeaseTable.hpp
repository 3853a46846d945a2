// Leases in PostgreSQL: one row per name, fencing tokens from the
// lease_tokens sequence. Callers own the transaction (see PgStore).
#pragma once

#include "storage/StoreTypes.hpp"

namespace certa::storage::pg {

class PgConnection;

struct PgLeaseTable {
    // One atomic upsert: takes the row when missing or expired, else reports
    // the holder (whose row it locked, so the answer is current).
    static LeaseGrant acquire(PgConnection& db, const std::string& name, const std::string& owner, int ttl_seconds,
                              UnixTime now);
    static bool renew(PgConnection& db, const std::string& name, std::int64_t token, int ttl_seconds, UnixTime now);
    static bool release(PgConnection& db, const std::string& name, std::int64_t token);
    // True when the lease is held with `token` and unexpired; the row stays
    // locked (FOR UPDATE) until the caller's transaction ends.
    static bool holds(PgConnection& db, const std::string& name, std::int64_t token, UnixTime now);
};

}  // namespace certa::storage::pg
