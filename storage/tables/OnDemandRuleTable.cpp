#include "storage/tables/OnDemandRuleTable.hpp"

#include "storage/schema/RowMap.hpp"

namespace certa::storage {

namespace {

using schema::field;

const schema::RowMap<OnDemandRule>& rows() {
    static const schema::RowMap<OnDemandRule> map(
        "on_demand_rules",
        {field<&OnDemandRule::pattern>("pattern"),
         {"action", [](OnDemandRule& r, const sql::Rows& row, int c) { r.deny = row.text(c) == "deny"; }},
         field<&OnDemandRule::created>("created")});
    return map;
}

}  // namespace

void OnDemandRuleTable::put(sql::Connection& db, const OnDemandRule& rule, UnixTime now) {
    static const sql::Query q("INSERT INTO on_demand_rules(pattern, action, created) VALUES (?1, ?2, ?3)"
                              " ON CONFLICT (pattern) DO UPDATE SET action = excluded.action,"
                              " created = excluded.created");
    db.run(q, rule.pattern, rule.deny ? "deny" : "allow", now);
}

bool OnDemandRuleTable::remove(sql::Connection& db, const std::string& pattern) {
    static const sql::Query q("DELETE FROM on_demand_rules WHERE pattern = ?1");
    return db.run(q, pattern) > 0;
}

std::vector<OnDemandRule> OnDemandRuleTable::list(sql::Connection& db) {
    static const sql::Query q(rows().select() + "ORDER BY pattern");
    return rows().read_all(db.rows(q));
}

}  // namespace certa::storage
