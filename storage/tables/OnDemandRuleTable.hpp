// SQL for the on_demand_rules table: the allow/deny list that every
// `certa serve --on-demand` sharing the store applies (one row per pattern).
// Callers own the transaction and bump the generation, so agents notice a
// change through change detection.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <string>
#include <vector>

namespace certa::storage {

class OnDemandRuleTable {
public:
    // Inserts or replaces the rule for rule.pattern (its `created` is `now`).
    static void put(sql::Connection& db, const OnDemandRule& rule, UnixTime now);
    static bool remove(sql::Connection& db, const std::string& pattern);
    // Ordered by pattern.
    static std::vector<OnDemandRule> list(sql::Connection& db);
};

}  // namespace certa::storage
