#include "storage/tables/IssuanceRequestTable.hpp"

#include "storage/schema/RowMap.hpp"

#include <limits>

namespace certa::storage {

namespace {

using schema::field;

const schema::RowMap<IssuanceRequest>& rows() {
    static const schema::RowMap<IssuanceRequest> map(
        "issuance_requests",
        {field<&IssuanceRequest::name>("name"), field<&IssuanceRequest::reason>("reason"),
         field<&IssuanceRequest::requested>("requested"), field<&IssuanceRequest::attempts>("attempts"),
         field<&IssuanceRequest::next_attempt>("next_attempt"), field<&IssuanceRequest::last_error>("last_error")});
    return map;
}

// LIMIT for "limit <= 0: all" (both dialects accept the largest int64).
std::int64_t row_limit(int limit) { return limit > 0 ? limit : std::numeric_limits<std::int64_t>::max(); }

}  // namespace

bool IssuanceRequestTable::insert(sql::Connection& db, const std::string& name, const std::string& reason,
                                  UnixTime now) {
    static const sql::Query q("INSERT INTO issuance_requests(name, reason, requested, attempts, next_attempt,"
                              " last_error) VALUES (?1, ?2, ?3, 0, 0, '') ON CONFLICT (name) DO NOTHING");
    return db.run(q, name, reason, now) > 0;
}

std::vector<IssuanceRequest> IssuanceRequestTable::due(sql::Connection& db, UnixTime now, int limit) {
    static const sql::Query q(rows().select() + "WHERE next_attempt <= ?1 ORDER BY requested, name LIMIT ?2");
    return rows().read_all(db.rows(q, now, row_limit(limit)));
}

std::vector<IssuanceRequest> IssuanceRequestTable::failed(sql::Connection& db, UnixTime now, int limit) {
    static const sql::Query q(rows().select() +
                              "WHERE attempts > 0 AND next_attempt > ?1 ORDER BY next_attempt DESC, name LIMIT ?2");
    return rows().read_all(db.rows(q, now, row_limit(limit)));
}

bool IssuanceRequestTable::remove(sql::Connection& db, const std::string& name) {
    static const sql::Query q("DELETE FROM issuance_requests WHERE name = ?1");
    return db.run(q, name) > 0;
}

bool IssuanceRequestTable::fail(sql::Connection& db, const std::string& name, const std::string& error,
                                UnixTime retry_at) {
    static const sql::Query q("UPDATE issuance_requests SET attempts = attempts + 1, next_attempt = ?2,"
                              " last_error = ?3 WHERE name = ?1");
    return db.run(q, name, retry_at, error) > 0;
}

}  // namespace certa::storage
