#include "storage/tables/ChallengeTable.hpp"

#include "storage/names/NameNormalizer.hpp"
#include "storage/schema/RowMap.hpp"

namespace certa::storage {

namespace {

using schema::field;

const schema::RowMap<Challenge>& rows() {
    static const schema::RowMap<Challenge> map(
        "challenges",
        {field<&Challenge::id>("id"),
         {"type", [](Challenge& c, const sql::Rows& r, int i) { c.type = challenge_type_from(r.text(i)); }},
         field<&Challenge::identifier>("identifier"), field<&Challenge::token>("token"),
         field<&Challenge::key_authorization>("key_authorization"), field<&Challenge::cert_pem>("cert_pem"),
         field<&Challenge::key_pem>("key_pem"), field<&Challenge::expires>("expires")});
    return map;
}

}  // namespace

std::int64_t ChallengeTable::insert(sql::Connection& db, const Challenge& c) {
    static const sql::Query q("INSERT INTO challenges(type, identifier, token, key_authorization, cert_pem, key_pem,"
                              " expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    auto row = db.rows(q, to_string(c.type), canonical_identifier(c.identifier), c.token, c.key_authorization,
                       c.cert_pem, c.key_pem, c.expires);
    row.next();
    return row.int64(0);
}

bool ChallengeTable::remove(sql::Connection& db, std::int64_t id) {
    static const sql::Query q("DELETE FROM challenges WHERE id = ?1");
    return db.run(q, id) > 0;
}

std::optional<Challenge> ChallengeTable::find_http01(sql::Connection& db, const std::string& token, UnixTime now) {
    static const sql::Query q(rows().select() +
                              "WHERE token = ?1 AND type = 'http-01' AND expires >= ?2 ORDER BY id DESC LIMIT 1");
    return rows().read_first(db.rows(q, token, now));
}

std::optional<Challenge> ChallengeTable::find_tls_alpn01(sql::Connection& db, const std::string& identifier,
                                                         UnixTime now) {
    static const sql::Query q(rows().select() +
                              "WHERE identifier = ?1 AND type = 'tls-alpn-01' AND expires >= ?2"
                              " ORDER BY id DESC LIMIT 1");
    return rows().read_first(db.rows(q, canonical_identifier(identifier), now));
}

std::vector<Challenge> ChallengeTable::active(sql::Connection& db, ChallengeType type, UnixTime now) {
    static const sql::Query q(rows().select() + "WHERE type = ?1 AND expires >= ?2 ORDER BY id");
    return rows().read_all(db.rows(q, to_string(type), now));
}

int ChallengeTable::purge_expired(sql::Connection& db, UnixTime now) {
    static const sql::Query q("DELETE FROM challenges WHERE expires < ?1");
    return static_cast<int>(db.run(q, now));
}

}  // namespace certa::storage
