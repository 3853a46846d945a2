// SQL for the events table (PostgreSQL): the audit trail.
#pragma once

#include "storage/StoreTypes.hpp"

#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgEventTable {
    static void insert(PgConnection& db, const std::string& kind, std::int64_t certificate_id,
                       const std::string& detail, UnixTime now);
    // Newest first; certificate_id 0: every certificate; limit <= 0: all.
    static std::vector<Event> list(PgConnection& db, std::int64_t certificate_id, int limit);
};

}  // namespace certa::storage::pg
