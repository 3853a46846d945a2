#include "storage/pg/PgServingAgentTable.hpp"

#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

void PgServingAgentTable::report(PgConnection& db, const std::string& agent_id, std::int64_t generation,
                                 UnixTime now) {
    db.query("INSERT INTO serving_agents(agent_id, loaded_generation, seen_at) VALUES ($1, $2, $3)"
             " ON CONFLICT (agent_id) DO UPDATE SET loaded_generation = excluded.loaded_generation,"
             " seen_at = excluded.seen_at",
             agent_id, generation, now);
}

std::vector<ServingAgent> PgServingAgentTable::seen_since(PgConnection& db, UnixTime since) {
    auto r = db.query("SELECT agent_id, loaded_generation, seen_at FROM serving_agents"
                      " WHERE seen_at >= $1 ORDER BY agent_id",
                      since);
    std::vector<ServingAgent> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ServingAgent{r.text(i, 0), r.int64(i, 1), r.int64(i, 2)});
    return out;
}

bool PgServingAgentTable::remove(PgConnection& db, const std::string& agent_id) {
    return db.query("DELETE FROM serving_agents WHERE agent_id = $1", agent_id).affected() > 0;
}

}  // namespace certa::storage::pg
