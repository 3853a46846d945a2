// serving_agents in PostgreSQL (see storage/ServingAgentTable.hpp).
// Callers own the transaction (see PgStore).
#pragma once

#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgServingAgentTable {
    static void report(PgConnection& db, const std::string& agent_id, std::int64_t generation, UnixTime now);
    static std::vector<ServingAgent> seen_since(PgConnection& db, UnixTime since);
    static bool remove(PgConnection& db, const std::string& agent_id);
};

}  // namespace certa::storage::pg
