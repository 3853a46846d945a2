#include "storage/ServingAgentTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

void ServingAgentTable::report(SqliteConnection& db, const std::string& agent_id, std::int64_t generation,
                               UnixTime now) {
    SqliteStatement stmt(db, "INSERT INTO serving_agents(agent_id, loaded_generation, seen_at) VALUES (?1, ?2, ?3)"
                             " ON CONFLICT(agent_id) DO UPDATE SET loaded_generation = excluded.loaded_generation,"
                             " seen_at = excluded.seen_at");
    stmt.bind_all(agent_id, generation, now);
    stmt.run();
}

std::vector<ServingAgent> ServingAgentTable::seen_since(SqliteConnection& db, UnixTime since) {
    SqliteStatement stmt(db, "SELECT agent_id, loaded_generation, seen_at FROM serving_agents"
                             " WHERE seen_at >= ?1 ORDER BY agent_id");
    stmt.bind(1, since);
    std::vector<ServingAgent> out;
    while (stmt.step()) out.push_back(ServingAgent{stmt.text(0), stmt.int64(1), stmt.int64(2)});
    return out;
}

bool ServingAgentTable::remove(SqliteConnection& db, const std::string& agent_id) {
    SqliteStatement stmt(db, "DELETE FROM serving_agents WHERE agent_id = ?1");
    stmt.bind(1, agent_id);
    stmt.run();
    return db.changes() > 0;
}

}  // namespace certa::storage
