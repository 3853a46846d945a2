// SQL for the on_demand_rules table: the allow/deny list that every
// `certa serve --on-demand` sharing the store applies (one row per pattern).
// Callers own the transaction and bump the generation, so agents notice a
// change through change detection.
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>
#include <vector>

namespace certa::storage {

class SqliteConnection;

class OnDemandRuleTable {
public:
    // Inserts or replaces the rule for rule.pattern (its `created` is `now`).
    static void put(SqliteConnection& db, const OnDemandRule& rule, UnixTime now);
    static bool remove(SqliteConnection& db, const std::string& pattern);
    // Ordered by pattern.
    static std::vector<OnDemandRule> list(SqliteConnection& db);
};

}  // namespace certa::storage
