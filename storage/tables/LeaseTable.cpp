#include "storage/tables/LeaseTable.hpp"

#include "storage/StoreError.hpp"

namespace certa::storage {

LeaseGrant LeaseTable::acquire(sql::Connection& db, const std::string& name, const std::string& owner,
                               int ttl_seconds, UnixTime now) {
    static const sql::Query take("INSERT INTO leases(name, owner, token, expires)"
                                 " VALUES (?1, ?2, {NEXT_LEASE_TOKEN}, ?3)"
                                 " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = excluded.token,"
                                 " expires = excluded.expires WHERE leases.expires <= ?4"
                                 " RETURNING token, expires");
    static const sql::Query store_token("UPDATE meta SET value = ?1 WHERE key = 'lease_token'");
    static const sql::Query holder("SELECT owner, expires FROM leases WHERE name = ?1");
    LeaseGrant grant;
    {
        auto taken = db.rows(take, name, owner, now + ttl_seconds, now);
        if (taken.next()) {
            grant.acquired = true;
            grant.token = taken.int64(0);
            grant.holder = owner;
            grant.expires = taken.int64(1);
        }
    }
    if (grant.acquired) {
        if (grant.token == 0)
            throw StoreError(StoreError::Kind::Corrupt, "store " + db.location() + " has no lease counter");
        if (db.dialect().lease_token_in_meta) db.run(store_token, grant.token);
        return grant;
    }
    auto current = db.rows(holder, name);
    if (current.next()) {
        grant.holder = current.text(0);
        grant.expires = current.int64(1);
    }
    return grant;
}

bool LeaseTable::renew(sql::Connection& db, const std::string& name, std::int64_t token, int ttl_seconds,
                       UnixTime now) {
    static const sql::Query q("UPDATE leases SET expires = ?3 WHERE name = ?1 AND token = ?2");
    return db.run(q, name, token, now + ttl_seconds) > 0;
}

bool LeaseTable::release(sql::Connection& db, const std::string& name, std::int64_t token) {
    static const sql::Query q("DELETE FROM leases WHERE name = ?1 AND token = ?2");
    return db.run(q, name, token) > 0;
}

bool LeaseTable::holds(sql::Connection& db, const std::string& name, std::int64_t token, UnixTime now) {
    static const sql::Query q("SELECT 1 FROM leases WHERE name = ?1 AND token = ?2 AND expires > ?3{FOR_UPDATE}");
    return db.rows(q, name, token, now).next();
}

}  // namespace certa::storage
