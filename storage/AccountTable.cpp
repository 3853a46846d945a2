#include "storage/AccountTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

namespace {

constexpr const char* kColumns = "SELECT id, server, key_type, key_pem, url, contact, status, created FROM accounts ";

std::vector<Account> query(SqliteStatement& stmt) {
    std::vector<Account> out;
    while (stmt.step()) {
        Account a;
        a.id = stmt.int64(0);
        a.server = stmt.text(1);
        a.key_type = stmt.text(2);
        a.key_pem = stmt.text(3);
        a.url = stmt.text(4);
        a.contact = stmt.text(5);
        a.status = stmt.text(6);
        a.created = stmt.int64(7);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace

std::int64_t AccountTable::insert(SqliteConnection& db, const Account& a, UnixTime now) {
    SqliteStatement stmt(db, "INSERT INTO accounts(server, key_type, key_pem, url, contact, status, created)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    stmt.bind_all(a.server, a.key_type, a.key_pem, a.url, a.contact, a.status.empty() ? "new" : a.status,
                  a.created != 0 ? a.created : now);
    stmt.run();
    return db.last_insert_rowid();
}

void AccountTable::update(SqliteConnection& db, const Account& a) {
    SqliteStatement stmt(db, "UPDATE accounts SET url = ?2, contact = ?3, status = ?4, key_pem = ?5, key_type = ?6"
                             " WHERE id = ?1");
    stmt.bind_all(a.id, a.url, a.contact, a.status, a.key_pem, a.key_type);
    stmt.run();
    if (db.changes() == 0)
        throw StoreError(StoreError::Kind::NotFound, "no account with id " + std::to_string(a.id));
}

bool AccountTable::exists(SqliteConnection& db, std::int64_t id) {
    SqliteStatement stmt(db, "SELECT 1 FROM accounts WHERE id = ?1");
    stmt.bind(1, id);
    return stmt.step();
}

std::optional<Account> AccountTable::get(SqliteConnection& db, std::int64_t id) {
    SqliteStatement stmt(db, std::string(kColumns) + "WHERE id = ?1");
    stmt.bind(1, id);
    return first_row(query(stmt));
}

std::optional<Account> AccountTable::find_for_server(SqliteConnection& db, const std::string& server) {
    SqliteStatement stmt(db, std::string(kColumns) +
                                 "WHERE server = ?1 AND status <> 'deactivated' ORDER BY id DESC LIMIT 1");
    stmt.bind(1, server);
    return first_row(query(stmt));
}

std::vector<Account> AccountTable::list(SqliteConnection& db) {
    SqliteStatement stmt(db, std::string(kColumns) + "ORDER BY id");
    return query(stmt);
}

}  // namespace certa::storage
