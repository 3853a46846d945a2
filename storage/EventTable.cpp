#include "storage/EventTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage {

void EventTable::insert(SqliteConnection& db, const std::string& kind, std::int64_t certificate_id,
                        const std::string& detail, UnixTime now) {
    SqliteStatement stmt(db, "INSERT INTO events(time, kind, certificate_id, detail) VALUES (?1, ?2, ?3, ?4)");
    stmt.bind_all(now, kind, certificate_id, detail);
    stmt.run();
}

std::vector<Event> EventTable::list(SqliteConnection& db, std::int64_t certificate_id, int limit) {
    SqliteStatement stmt(db, "SELECT id, time, kind, certificate_id, detail FROM events"
                             " WHERE ?1 = 0 OR certificate_id = ?1 ORDER BY id DESC LIMIT ?2");
    stmt.bind_all(certificate_id, limit > 0 ? limit : -1);
    std::vector<Event> out;
    while (stmt.step()) {
        Event e;
        e.id = stmt.int64(0);
        e.time = stmt.int64(1);
        e.kind = stmt.text(2);
        e.certificate_id = stmt.int64(3);
        e.detail = stmt.text(4);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace certa::storage
