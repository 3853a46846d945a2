#include "storage/tables/EventTable.hpp"

#include "storage/schema/RowMap.hpp"

#include <limits>

namespace certa::storage {

namespace {

using schema::field;

const schema::RowMap<Event>& rows() {
    static const schema::RowMap<Event> map(
        "events", {field<&Event::id>("id"), field<&Event::time>("time"), field<&Event::kind>("kind"),
                   field<&Event::certificate_id>("certificate_id"), field<&Event::detail>("detail")});
    return map;
}

}  // namespace

void EventTable::insert(sql::Connection& db, const std::string& kind, std::int64_t certificate_id,
                        const std::string& detail, UnixTime now) {
    static const sql::Query q("INSERT INTO events(time, kind, certificate_id, detail) VALUES (?1, ?2, ?3, ?4)");
    db.run(q, now, kind, certificate_id, detail);
}

std::vector<Event> EventTable::list(sql::Connection& db, std::int64_t certificate_id, int limit) {
    static const sql::Query q(rows().select() +
                              "WHERE CAST(?1 AS BIGINT) = 0 OR certificate_id = ?1 ORDER BY id DESC LIMIT ?2");
    return rows().read_all(
        db.rows(q, certificate_id, limit > 0 ? std::int64_t{limit} : std::numeric_limits<std::int64_t>::max()));
}

}  // namespace certa::storage
