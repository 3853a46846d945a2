#include "storage/pg/PgEventTable.hpp"

#include "storage/pg/PgConnection.hpp"

namespace certa::storage::pg {

void PgEventTable::insert(PgConnection& db, const std::string& kind, std::int64_t certificate_id,
                          const std::string& detail, UnixTime now) {
    db.query("INSERT INTO events(time, kind, certificate_id, detail) VALUES ($1, $2, $3, $4)", now, kind,
             certificate_id, detail);
}

std::vector<Event> PgEventTable::list(PgConnection& db, std::int64_t certificate_id, int limit) {
    PgParam max = limit > 0 ? param(limit) : std::nullopt;  // LIMIT NULL: no limit
    auto r = db.query("SELECT id, time, kind, certificate_id, detail FROM events"
                      " WHERE $1::bigint = 0 OR certificate_id = $1::bigint ORDER BY id DESC LIMIT $2::bigint",
                      certificate_id, max);
    std::vector<Event> out;
    for (int i = 0; i < r.rows(); ++i) {
        Event e;
        e.id = r.int64(i, 0);
        e.time = r.int64(i, 1);
        e.kind = r.text(i, 2);
        e.certificate_id = r.int64(i, 3);
        e.detail = r.text(i, 4);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace certa::storage::pg
