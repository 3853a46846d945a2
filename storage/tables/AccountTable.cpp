#include "storage/tables/AccountTable.hpp"

#include "storage/StoreError.hpp"
#include "storage/schema/RowMap.hpp"

namespace certa::storage {

namespace {

using schema::field;

const schema::RowMap<Account>& rows() {
    static const schema::RowMap<Account> map(
        "accounts", {field<&Account::id>("id"), field<&Account::server>("server"),
                     field<&Account::key_type>("key_type"), field<&Account::key_pem>("key_pem"),
                     field<&Account::url>("url"), field<&Account::contact>("contact"),
                     field<&Account::status>("status"), field<&Account::created>("created")});
    return map;
}

}  // namespace

std::int64_t AccountTable::insert(sql::Connection& db, const Account& a, UnixTime now) {
    static const sql::Query q("INSERT INTO accounts(server, key_type, key_pem, url, contact, status, created)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    auto row = db.rows(q, a.server, a.key_type, a.key_pem, a.url, a.contact, a.status.empty() ? "new" : a.status,
                       a.created != 0 ? a.created : now);
    row.next();
    return row.int64(0);
}

void AccountTable::update(sql::Connection& db, const Account& a) {
    static const sql::Query q("UPDATE accounts SET url = ?2, contact = ?3, status = ?4, key_pem = ?5, key_type = ?6"
                              " WHERE id = ?1");
    if (db.run(q, a.id, a.url, a.contact, a.status, a.key_pem, a.key_type) == 0)
        throw StoreError(StoreError::Kind::NotFound, "no account with id " + std::to_string(a.id));
}

bool AccountTable::exists(sql::Connection& db, std::int64_t id) {
    static const sql::Query q("SELECT 1 FROM accounts WHERE id = ?1");
    return db.rows(q, id).next();
}

std::optional<Account> AccountTable::get(sql::Connection& db, std::int64_t id) {
    static const sql::Query q(rows().select() + "WHERE id = ?1");
    return rows().read_first(db.rows(q, id));
}

std::optional<Account> AccountTable::find_for_server(sql::Connection& db, const std::string& server) {
    static const sql::Query q(rows().select() + "WHERE server = ?1 AND status <> 'deactivated' ORDER BY id DESC LIMIT 1");
    return rows().read_first(db.rows(q, server));
}

std::vector<Account> AccountTable::list(sql::Connection& db) {
    static const sql::Query q(rows().select() + "ORDER BY id");
    return rows().read_all(db.rows(q));
}

}  // namespace certa::storage
