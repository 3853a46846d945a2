#include "storage/pg/PgLeaseTable.hpp"

#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

LeaseGrant PgLeaseTable::acquire(PgConnection& db, const std::string& name, const std::string& owner,
                                 int ttl_seconds, UnixTime now) {
    // ON CONFLICT takes the row lock of a competing insert or takeover, so
    // exactly one of several racing processes gets a row back.
    auto taken = db.query("INSERT INTO leases(name, owner, token, expires)"
                          " VALUES ($1, $2, nextval('lease_tokens'), $3)"
                          " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token,"
                          " expires = EXCLUDED.expires WHERE leases.expires <= $4"
                          " RETURNING token, expires",
                          name, owner, now + ttl_seconds, now);
    LeaseGrant grant;
    if (!taken.empty()) {
        grant.acquired = true;
        grant.token = taken.int64(0, 0);
        grant.holder = owner;
        grant.expires = taken.int64(0, 1);
        return grant;
    }
    auto current = db.query("SELECT owner, expires FROM leases WHERE name = $1", name);
    if (!current.empty()) {
        grant.holder = current.text(0, 0);
        grant.expires = current.int64(0, 1);
    }
    return grant;
}

bool PgLeaseTable::renew(PgConnection& db, const std::string& name, std::int64_t token, int ttl_seconds,
                         UnixTime now) {
    return db.query("UPDATE leases SET expires = $3 WHERE name = $1 AND token = $2", name, token, now + ttl_seconds)
               .affected() > 0;
}

bool PgLeaseTable::release(PgConnection& db, const std::string& name, std::int64_t token) {
    return db.query("DELETE FROM leases WHERE name = $1 AND token = $2", name, token).affected() > 0;
}

bool PgLeaseTable::holds(PgConnection& db, const std::string& name, std::int64_t token, UnixTime now) {
    return !db.query("SELECT 1 FROM leases WHERE name = $1 AND token = $2 AND expires > $3 FOR UPDATE", name, token,
                     now)
                .empty();
}

}  // namespace certa::storage::pg
