// SQL for the accounts table. An account row (with its key) is written before
// newAccount is sent, so a key the CA may learn is never lost.
#pragma once

#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::storage {

class SqliteConnection;

class AccountTable {
public:
    static std::int64_t insert(SqliteConnection& db, const Account& account, UnixTime now);
    // Throws NotFound when account.id names no row.
    static void update(SqliteConnection& db, const Account& account);
    static bool exists(SqliteConnection& db, std::int64_t id);
    static std::optional<Account> get(SqliteConnection& db, std::int64_t id);
    static std::optional<Account> find_for_server(SqliteConnection& db, const std::string& server);
    static std::vector<Account> list(SqliteConnection& db);
};

}  // namespace certa::storage
