#include "storage/IssuanceRequestTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

bool IssuanceRequestTable::insert(SqliteConnection& db, const std::string& name, const std::string& reason,
                                  UnixTime now) {
    SqliteStatement stmt(db, "INSERT INTO issuance_requests(name, reason, requested, attempts, next_attempt,"
                             " last_error) VALUES (?1, ?2, ?3, 0, 0, '') ON CONFLICT(name) DO NOTHING");
    stmt.bind_all(name, reason, now);
    stmt.run();
    return db.changes() > 0;
}

namespace {

std::vector<IssuanceRequest> read_rows(SqliteStatement& stmt) {
    std::vector<IssuanceRequest> out;
    while (stmt.step()) {
        IssuanceRequest r;
        r.name = stmt.text(0);
        r.reason = stmt.text(1);
        r.requested = stmt.int64(2);
        r.attempts = static_cast<int>(stmt.int64(3));
        r.next_attempt = stmt.int64(4);
        r.last_error = stmt.text(5);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

std::vector<IssuanceRequest> IssuanceRequestTable::due(SqliteConnection& db, UnixTime now, int limit) {
    SqliteStatement stmt(db, "SELECT name, reason, requested, attempts, next_attempt, last_error"
                             " FROM issuance_requests WHERE next_attempt <= ?1 ORDER BY requested, name LIMIT ?2");
    stmt.bind_all(now, limit > 0 ? limit : -1);
    return read_rows(stmt);
}

std::vector<IssuanceRequest> IssuanceRequestTable::failed(SqliteConnection& db, UnixTime now, int limit) {
    SqliteStatement stmt(db, "SELECT name, reason, requested, attempts, next_attempt, last_error"
                             " FROM issuance_requests WHERE attempts > 0 AND next_attempt > ?1"
                             " ORDER BY next_attempt DESC, name LIMIT ?2");
    stmt.bind_all(now, limit > 0 ? limit : -1);
    return read_rows(stmt);
}

bool IssuanceRequestTable::remove(SqliteConnection& db, const std::string& name) {
    SqliteStatement stmt(db, "DELETE FROM issuance_requests WHERE name = ?1");
    stmt.bind(1, name);
    stmt.run();
    return db.changes() > 0;
}

bool IssuanceRequestTable::fail(SqliteConnection& db, const std::string& name, const std::string& error,
                                UnixTime retry_at) {
    SqliteStatement stmt(db, "UPDATE issuance_requests SET attempts = attempts + 1, next_attempt = ?2,"
                             " last_error = ?3 WHERE name = ?1");
    stmt.bind_all(name, retry_at, error);
    stmt.run();
    return db.changes() > 0;
}

}  // namespace certa::storage
