#include "storage/tables/OcspTable.hpp"

#include "storage/base/Base64Url.hpp"
#include "storage/StoreError.hpp"

#include <limits>

namespace certa::storage {

namespace {

constexpr const char* kColumns =
    "certificate_id, status, response, this_update, next_update, refresh_at, fetched, last_error, generation";

OcspStaple read_row(const sql::Rows& row, bool with_der) {
    OcspStaple s;
    s.certificate_id = row.int64(0);
    s.status = row.text(1);
    if (with_der) {
        auto der = base64url_decode(row.text(2));
        if (!der) throw StoreError(StoreError::Kind::Corrupt,
                                   "the OCSP response of certificate " + std::to_string(s.certificate_id) +
                                       " is not base64url");
        s.der = std::move(*der);
    }
    s.this_update = row.int64(3);
    s.next_update = row.int64(4);
    s.refresh_at = row.int64(5);
    s.fetched = row.int64(6);
    s.last_error = row.text(7);
    s.generation = row.int64(8);
    return s;
}

}  // namespace

void OcspTable::put(sql::Connection& db, const OcspStaple& s, std::int64_t generation) {
    static const sql::Query q(
        std::string("INSERT INTO ocsp_responses(") + kColumns +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (certificate_id) DO UPDATE SET"
        " status = excluded.status, response = excluded.response, this_update = excluded.this_update,"
        " next_update = excluded.next_update, refresh_at = excluded.refresh_at, fetched = excluded.fetched,"
        " last_error = excluded.last_error,"
        // Agents reload a certificate when its row's generation moves: only
        // for a new answer, not for a failed fetch's error and retry time.
        " generation = CASE WHEN ocsp_responses.status = excluded.status"
        " AND ocsp_responses.response = excluded.response"
        " THEN ocsp_responses.generation ELSE excluded.generation END");
    const std::string der = base64url_encode(s.der);
    db.run(q, s.certificate_id, s.status, der, s.this_update, s.next_update, s.refresh_at, s.fetched, s.last_error,
           generation);
}

void OcspTable::insert_pending(sql::Connection& db, std::int64_t certificate_id) {
    static const sql::Query q("INSERT INTO ocsp_responses(certificate_id, generation) VALUES (?1, 0)"
                              " ON CONFLICT (certificate_id) DO NOTHING");
    db.run(q, certificate_id);
}

std::optional<OcspStaple> OcspTable::get(sql::Connection& db, std::int64_t certificate_id) {
    static const sql::Query q(std::string("SELECT ") + kColumns + " FROM ocsp_responses WHERE certificate_id = ?1");
    auto rows = db.rows(q, certificate_id);
    if (!rows.next()) return std::nullopt;
    return read_row(rows, true);
}

std::vector<std::int64_t> OcspTable::due(sql::Connection& db, UnixTime now, int limit) {
    static const sql::Query q("SELECT certificate_id FROM ocsp_responses WHERE refresh_at <= ?1"
                              " ORDER BY refresh_at, certificate_id LIMIT ?2");
    const std::int64_t bound = limit > 0 ? limit : std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> out;
    auto rows = db.rows(q, now, bound);
    while (rows.next()) out.push_back(rows.int64(0));
    return out;
}

std::vector<std::int64_t> OcspTable::changed_since(sql::Connection& db, std::int64_t generation) {
    static const sql::Query q("SELECT certificate_id FROM ocsp_responses WHERE generation > ?1 ORDER BY generation");
    std::vector<std::int64_t> out;
    auto rows = db.rows(q, generation);
    while (rows.next()) out.push_back(rows.int64(0));
    return out;
}

bool OcspTable::refresh_now(sql::Connection& db, std::int64_t certificate_id, UnixTime now) {
    static const sql::Query q("UPDATE ocsp_responses SET refresh_at = ?2 WHERE certificate_id = ?1 AND refresh_at > ?2");
    return db.run(q, certificate_id, now) > 0;
}

std::vector<OcspStaple> OcspTable::list_active(sql::Connection& db) {
    static const sql::Query q(
        "SELECT o.certificate_id, o.status, '', o.this_update, o.next_update, o.refresh_at, o.fetched, o.last_error,"
        " o.generation FROM ocsp_responses o JOIN certificates c ON c.id = o.certificate_id"
        " WHERE c.status = 'active' ORDER BY o.certificate_id");
    std::vector<OcspStaple> out;
    auto rows = db.rows(q);
    while (rows.next()) out.push_back(read_row(rows, false));
    return out;
}

}  // namespace certa::storage
