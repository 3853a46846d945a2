// SQL for the accounts table (PostgreSQL).
#pragma once

#include "storage/StoreTypes.hpp"

#include <optional>
#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgAccountTable {
    static std::int64_t insert(PgConnection& db, const Account& account, UnixTime now);
    static void update(PgConnection& db, const Account& account);
    static bool exists(PgConnection& db, std::int64_t id);
    static std::optional<Account> get(PgConnection& db, std::int64_t id);
    static std::optional<Account> find_for_server(PgConnection& db, const std::string& server);
    static std::vector<Account> list(PgConnection& db);
};

}  // namespace certa::storage::pg
