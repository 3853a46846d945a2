#include "storage/pg/PgIssuanceRequestTable.hpp"

#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

bool PgIssuanceRequestTable::insert(PgConnection& db, const std::string& name, const std::string& reason,
                                    UnixTime now) {
    return db.query("INSERT INTO issuance_requests(name, reason, requested, attempts, next_attempt, last_error)"
                    " VALUES ($1, $2, $3, 0, 0, '') ON CONFLICT (name) DO NOTHING",
                    name, reason, now)
               .affected() > 0;
}

namespace {

std::vector<IssuanceRequest> read_rows(const PgResult& r) {
    std::vector<IssuanceRequest> out;
    for (int i = 0; i < r.rows(); ++i) {
        IssuanceRequest q;
        q.name = r.text(i, 0);
        q.reason = r.text(i, 1);
        q.requested = r.int64(i, 2);
        q.attempts = static_cast<int>(r.int64(i, 3));
        q.next_attempt = r.int64(i, 4);
        q.last_error = r.text(i, 5);
        out.push_back(std::move(q));
    }
    return out;
}

}  // namespace

std::vector<IssuanceRequest> PgIssuanceRequestTable::due(PgConnection& db, UnixTime now, int limit) {
    PgParam max = limit > 0 ? param(limit) : std::nullopt;  // LIMIT NULL: no limit
    return read_rows(db.query("SELECT name, reason, requested, attempts, next_attempt, last_error FROM issuance_requests"
                              " WHERE next_attempt <= $1 ORDER BY requested, name LIMIT $2::bigint",
                              now, max));
}

std::vector<IssuanceRequest> PgIssuanceRequestTable::failed(PgConnection& db, UnixTime now, int limit) {
    PgParam max = limit > 0 ? param(limit) : std::nullopt;
    return read_rows(db.query("SELECT name, reason, requested, attempts, next_attempt, last_error FROM issuance_requests"
                              " WHERE attempts > 0 AND next_attempt > $1 ORDER BY next_attempt DESC, name"
                              " LIMIT $2::bigint",
                              now, max));
}

bool PgIssuanceRequestTable::remove(PgConnection& db, const std::string& name) {
    return db.query("DELETE FROM issuance_requests WHERE name = $1", name).affected() > 0;
}

bool PgIssuanceRequestTable::fail(PgConnection& db, const std::string& name, const std::string& error,
                                  UnixTime retry_at) {
    return db.query("UPDATE issuance_requests SET attempts = attempts + 1, next_attempt = $2, last_error = $3"
                    " WHERE name = $1",
                    name, retry_at, error)
               .affected() > 0;
}

}  // namespace certa::storage::pg
