#include "storage/ChallengeTable.hpp"

#include "storage/CertificateParser.hpp"
#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

namespace {

constexpr const char* kColumns =
    "SELECT id, type, identifier, token, key_authorization, cert_pem, key_pem, expires FROM challenges ";

std::vector<Challenge> query(SqliteStatement& stmt) {
    std::vector<Challenge> out;
    while (stmt.step()) {
        Challenge c;
        c.id = stmt.int64(0);
        c.type = challenge_type_from(stmt.text(1));
        c.identifier = stmt.text(2);
        c.token = stmt.text(3);
        c.key_authorization = stmt.text(4);
        c.cert_pem = stmt.text(5);
        c.key_pem = stmt.text(6);
        c.expires = stmt.int64(7);
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

std::int64_t ChallengeTable::insert(SqliteConnection& db, const Challenge& c) {
    SqliteStatement stmt(db,
                         "INSERT INTO challenges(type, identifier, token, key_authorization, cert_pem, key_pem,"
                         " expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    stmt.bind_all(to_string(c.type), canonical_identifier(c.identifier), c.token, c.key_authorization, c.cert_pem,
                  c.key_pem, c.expires);
    stmt.run();
    return db.last_insert_rowid();
}

bool ChallengeTable::remove(SqliteConnection& db, std::int64_t id) {
    SqliteStatement stmt(db, "DELETE FROM challenges WHERE id = ?1");
    stmt.bind(1, id);
    stmt.run();
    return db.changes() > 0;
}

std::optional<Challenge> ChallengeTable::find_http01(SqliteConnection& db, const std::string& token, UnixTime now) {
    SqliteStatement stmt(db, std::string(kColumns) +
                                 "WHERE token = ?1 AND type = 'http-01' AND expires >= ?2 ORDER BY id DESC LIMIT 1");
    stmt.bind_all(token, now);
    return first_row(query(stmt));
}

std::optional<Challenge> ChallengeTable::find_tls_alpn01(SqliteConnection& db, const std::string& identifier,
                                                         UnixTime now) {
    SqliteStatement stmt(db, std::string(kColumns) +
                                 "WHERE identifier = ?1 AND type = 'tls-alpn-01' AND expires >= ?2"
                                 " ORDER BY id DESC LIMIT 1");
    stmt.bind_all(canonical_identifier(identifier), now);
    return first_row(query(stmt));
}

std::vector<Challenge> ChallengeTable::active(SqliteConnection& db, ChallengeType type, UnixTime now) {
    SqliteStatement stmt(db, std::string(kColumns) + "WHERE type = ?1 AND expires >= ?2 ORDER BY id");
    stmt.bind_all(to_string(type), now);
    return query(stmt);
}

int ChallengeTable::purge_expired(SqliteConnection& db, UnixTime now) {
    SqliteStatement stmt(db, "DELETE FROM challenges WHERE expires < ?1");
    stmt.bind(1, now);
    stmt.run();
    return db.changes();
}

}  // namespace certa::storage
