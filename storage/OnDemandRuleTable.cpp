#include "storage/OnDemandRuleTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

void OnDemandRuleTable::put(SqliteConnection& db, const OnDemandRule& rule, UnixTime now) {
    SqliteStatement stmt(db, "INSERT INTO on_demand_rules(pattern, action, created) VALUES (?1, ?2, ?3)"
                             " ON CONFLICT(pattern) DO UPDATE SET action = excluded.action, created = excluded.created");
    stmt.bind_all(rule.pattern, std::string(rule.deny ? "deny" : "allow"), now);
    stmt.run();
}

bool OnDemandRuleTable::remove(SqliteConnection& db, const std::string& pattern) {
    SqliteStatement stmt(db, "DELETE FROM on_demand_rules WHERE pattern = ?1");
    stmt.bind(1, pattern);
    stmt.run();
    return db.changes() > 0;
}

std::vector<OnDemandRule> OnDemandRuleTable::list(SqliteConnection& db) {
    SqliteStatement stmt(db, "SELECT pattern, action, created FROM on_demand_rules ORDER BY pattern");
    std::vector<OnDemandRule> out;
    while (stmt.step()) {
        OnDemandRule r;
        r.pattern = stmt.text(0);
        r.deny = stmt.text(1) == "deny";
        r.created = stmt.int64(2);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace certa::storage
