#include "storage/LeaseTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

LeaseGrant LeaseTable::acquire(SqliteConnection& db, const std::string& name, const std::string& owner,
                               int ttl_seconds, UnixTime now) {
    SqliteStatement current(db, "SELECT owner, expires FROM leases WHERE name = ?1");
    current.bind(1, name);
    if (current.step() && current.int64(1) > now) {
        LeaseGrant busy;
        busy.holder = current.text(0);
        busy.expires = current.int64(1);
        return busy;
    }
    SqliteStatement next(db, "UPDATE meta SET value = value + 1 WHERE key = 'lease_token' RETURNING value");
    if (!next.step()) throw StoreError(StoreError::Kind::Corrupt, "store " + db.path() + " has no lease counter");
    LeaseGrant grant;
    grant.acquired = true;
    grant.token = next.int64(0);
    grant.holder = owner;
    grant.expires = now + ttl_seconds;
    next.run();

    SqliteStatement take(db, "INSERT OR REPLACE INTO leases(name, owner, token, expires) VALUES (?1, ?2, ?3, ?4)");
    take.bind_all(name, owner, grant.token, grant.expires);
    take.run();
    return grant;
}

bool LeaseTable::renew(SqliteConnection& db, const std::string& name, std::int64_t token, int ttl_seconds,
                       UnixTime now) {
    SqliteStatement stmt(db, "UPDATE leases SET expires = ?3 WHERE name = ?1 AND token = ?2");
    stmt.bind_all(name, token, now + ttl_seconds);
    stmt.run();
    return db.changes() > 0;
}

bool LeaseTable::release(SqliteConnection& db, const std::string& name, std::int64_t token) {
    SqliteStatement stmt(db, "DELETE FROM leases WHERE name = ?1 AND token = ?2");
    stmt.bind_all(name, token);
    stmt.run();
    return db.changes() > 0;
}

bool LeaseTable::holds(SqliteConnection& db, const std::string& name, std::int64_t token, UnixTime now) {
    SqliteStatement stmt(db, "SELECT 1 FROM leases WHERE name = ?1 AND token = ?2 AND expires > ?3");
    stmt.bind_all(name, token, now);
    return stmt.step();
}

}  // namespace certa::storage
