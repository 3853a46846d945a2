// on_demand_rules in PostgreSQL (see storage/OnDemandRuleTable.hpp).
// Callers own the transaction (see PgStore).
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>
#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgOnDemandRuleTable {
    static void put(PgConnection& db, const OnDemandRule& rule, UnixTime now);
    static bool remove(PgConnection& db, const std::string& pattern);
    static std::vector<OnDemandRule> list(PgConnection& db);
};

}  // namespace certa::storage::pg
