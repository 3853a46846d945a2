// SQL for the events table: the audit trail (issued, renewed, failed, ...).
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace certa::storage {

class EventTable {
public:
    static void insert(sql::Connection& db, const std::string& kind, std::int64_t certificate_id,
                       const std::string& detail, UnixTime now);
    // Newest first; certificate_id 0 lists all; limit <= 0 means no limit.
    static std::vector<Event> list(sql::Connection& db, std::int64_t certificate_id, int limit);
};

}  // namespace certa::storage
