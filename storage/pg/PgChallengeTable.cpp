#include "storage/pg/PgChallengeTable.hpp"

#include "storage/CertificateParser.hpp"
#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

namespace {

constexpr const char* kColumns =
    "SELECT id, type, identifier, token, key_authorization, cert_pem, key_pem, expires FROM challenges ";

std::vector<Challenge> rows(const PgResult& r) {
    std::vector<Challenge> out;
    for (int i = 0; i < r.rows(); ++i) {
        Challenge c;
        c.id = r.int64(i, 0);
        c.type = challenge_type_from(r.text(i, 1));
        c.identifier = r.text(i, 2);
        c.token = r.text(i, 3);
        c.key_authorization = r.text(i, 4);
        c.cert_pem = r.text(i, 5);
        c.key_pem = r.text(i, 6);
        c.expires = r.int64(i, 7);
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<Challenge> first(std::vector<Challenge> challenges) {
    if (challenges.empty()) return std::nullopt;
    return std::move(challenges.front());
}

}  // namespace

std::int64_t PgChallengeTable::insert(PgConnection& db, const Challenge& c) {
    return db
        .query("INSERT INTO challenges(type, identifier, token, key_authorization, cert_pem, key_pem, expires)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
               to_string(c.type), lowercase(c.identifier), c.token, c.key_authorization, c.cert_pem, c.key_pem,
               c.expires)
        .int64(0, 0);
}

bool PgChallengeTable::remove(PgConnection& db, std::int64_t id) {
    return db.query("DELETE FROM challenges WHERE id = $1", id).affected() > 0;
}

std::optional<Challenge> PgChallengeTable::find_http01(PgConnection& db, const std::string& token, UnixTime now) {
    return first(rows(db.query(std::string(kColumns) + "WHERE token = $1 AND type = 'http-01' AND expires >= $2"
                                                       " ORDER BY id DESC LIMIT 1",
                               token, now)));
}

std::optional<Challenge> PgChallengeTable::find_tls_alpn01(PgConnection& db, const std::string& identifier,
                                                           UnixTime now) {
    return first(rows(db.query(std::string(kColumns) +
                                   "WHERE identifier = $1 AND type = 'tls-alpn-01' AND expires >= $2"
                                   " ORDER BY id DESC LIMIT 1",
                               lowercase(identifier), now)));
}

std::vector<Challenge> PgChallengeTable::active(PgConnection& db, ChallengeType type, UnixTime now) {
    return rows(db.query(std::string(kColumns) + "WHERE type = $1 AND expires >= $2 ORDER BY id", to_string(type),
                         now));
}

int PgChallengeTable::purge_expired(PgConnection& db, UnixTime now) {
    return static_cast<int>(db.query("DELETE FROM challenges WHERE expires < $1", now).affected());
}

}  // namespace certa::storage::pg
