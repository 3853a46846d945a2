// SQL for the serving_agents table: one row per `certa serve` process sharing
// the store, with the generation its agent has loaded (see Store.hpp).
// Callers own the transaction; these writes do not bump the generation.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace certa::storage {

class ServingAgentTable {
public:
    // Inserts or updates the agent's row.
    static void report(sql::Connection& db, const std::string& agent_id, std::int64_t generation, UnixTime now);
    // Ordered by agent_id.
    static std::vector<ServingAgent> seen_since(sql::Connection& db, UnixTime since);
    static bool remove(sql::Connection& db, const std::string& agent_id);
};

}  // namespace certa::storage
