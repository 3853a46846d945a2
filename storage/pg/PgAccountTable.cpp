#include "storage/pg/PgAccountTable.hpp"

#include "storage/StoreError.hpp"
#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

namespace {

constexpr const char* kColumns = "SELECT id, server, key_type, key_pem, url, contact, status, created FROM accounts ";

std::vector<Account> rows(const PgResult& r) {
    std::vector<Account> out;
    for (int i = 0; i < r.rows(); ++i) {
        Account a;
        a.id = r.int64(i, 0);
        a.server = r.text(i, 1);
        a.key_type = r.text(i, 2);
        a.key_pem = r.text(i, 3);
        a.url = r.text(i, 4);
        a.contact = r.text(i, 5);
        a.status = r.text(i, 6);
        a.created = r.int64(i, 7);
        out.push_back(std::move(a));
    }
    return out;
}

std::optional<Account> first(std::vector<Account> accounts) {
    if (accounts.empty()) return std::nullopt;
    return std::move(accounts.front());
}

}  // namespace

std::int64_t PgAccountTable::insert(PgConnection& db, const Account& a, UnixTime now) {
    return db
        .query("INSERT INTO accounts(server, key_type, key_pem, url, contact, status, created)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
               a.server, a.key_type, a.key_pem, a.url, a.contact, a.status.empty() ? "new" : a.status,
               a.created != 0 ? a.created : now)
        .int64(0, 0);
}

void PgAccountTable::update(PgConnection& db, const Account& a) {
    auto result = db.query("UPDATE accounts SET url = $2, contact = $3, status = $4, key_pem = $5, key_type = $6"
                           " WHERE id = $1",
                           a.id, a.url, a.contact, a.status, a.key_pem, a.key_type);
    if (result.affected() == 0)
        throw StoreError(StoreError::Kind::NotFound, "no account with id " + std::to_string(a.id));
}

bool PgAccountTable::exists(PgConnection& db, std::int64_t id) {
    return !db.query("SELECT 1 FROM accounts WHERE id = $1", id).empty();
}

std::optional<Account> PgAccountTable::get(PgConnection& db, std::int64_t id) {
    return first(rows(db.query(std::string(kColumns) + "WHERE id = $1", id)));
}

std::optional<Account> PgAccountTable::find_for_server(PgConnection& db, const std::string& server) {
    return first(rows(db.query(
        std::string(kColumns) + "WHERE server = $1 AND status <> 'deactivated' ORDER BY id DESC LIMIT 1", server)));
}

std::vector<Account> PgAccountTable::list(PgConnection& db) {
    return rows(db.exec(std::string(kColumns) + "ORDER BY id"));
}

}  // namespace certa::storage::pg
