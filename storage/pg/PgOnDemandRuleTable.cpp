#include "storage/pg/PgOnDemandRuleTable.hpp"

#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

void PgOnDemandRuleTable::put(PgConnection& db, const OnDemandRule& rule, UnixTime now) {
    db.query("INSERT INTO on_demand_rules(pattern, action, created) VALUES ($1, $2, $3)"
             " ON CONFLICT (pattern) DO UPDATE SET action = excluded.action, created = excluded.created",
             rule.pattern, std::string(rule.deny ? "deny" : "allow"), now);
}

bool PgOnDemandRuleTable::remove(PgConnection& db, const std::string& pattern) {
    return db.query("DELETE FROM on_demand_rules WHERE pattern = $1", pattern).affected() > 0;
}

std::vector<OnDemandRule> PgOnDemandRuleTable::list(PgConnection& db) {
    auto r = db.query("SELECT pattern, action, created FROM on_demand_rules ORDER BY pattern");
    std::vector<OnDemandRule> out;
    for (int i = 0; i < r.rows(); ++i) {
        OnDemandRule rule;
        rule.pattern = r.text(i, 0);
        rule.deny = r.text(i, 1) == "deny";
        rule.created = r.int64(i, 2);
        out.push_back(std::move(rule));
    }
    return out;
}

}  // namespace certa::storage::pg
