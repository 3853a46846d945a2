// SQL for the accounts table. An account row (with its key) is written before
// newAccount is sent, so a key the CA may learn is never lost.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::storage {

class AccountTable {
public:
    static std::int64_t insert(sql::Connection& db, const Account& account, UnixTime now);
    // Throws NotFound when account.id names no row.
    static void update(sql::Connection& db, const Account& account);
    static bool exists(sql::Connection& db, std::int64_t id);
    static std::optional<Account> get(sql::Connection& db, std::int64_t id);
    static std::optional<Account> find_for_server(sql::Connection& db, const std::string& server);
    static std::vector<Account> list(sql::Connection& db);
};

}  // namespace certa::storage
