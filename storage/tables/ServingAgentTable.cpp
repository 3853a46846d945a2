#include "storage/tables/ServingAgentTable.hpp"

#include "storage/schema/RowMap.hpp"

namespace certa::storage {

namespace {

using schema::field;

const schema::RowMap<ServingAgent>& rows() {
    static const schema::RowMap<ServingAgent> map(
        "serving_agents", {field<&ServingAgent::agent_id>("agent_id"),
                           field<&ServingAgent::loaded_generation>("loaded_generation"),
                           field<&ServingAgent::seen_at>("seen_at")});
    return map;
}

}  // namespace

void ServingAgentTable::report(sql::Connection& db, const std::string& agent_id, std::int64_t generation,
                               UnixTime now) {
    static const sql::Query q("INSERT INTO serving_agents(agent_id, loaded_generation, seen_at) VALUES (?1, ?2, ?3)"
                              " ON CONFLICT (agent_id) DO UPDATE SET loaded_generation = excluded.loaded_generation,"
                              " seen_at = excluded.seen_at");
    db.run(q, agent_id, generation, now);
}

std::vector<ServingAgent> ServingAgentTable::seen_since(sql::Connection& db, UnixTime since) {
    static const sql::Query q(rows().select() + "WHERE seen_at >= ?1 ORDER BY agent_id");
    return rows().read_all(db.rows(q, since));
}

bool ServingAgentTable::remove(sql::Connection& db, const std::string& agent_id) {
    static const sql::Query q("DELETE FROM serving_agents WHERE agent_id = ?1");
    return db.run(q, agent_id) > 0;
}

}  // namespace certa::storage
