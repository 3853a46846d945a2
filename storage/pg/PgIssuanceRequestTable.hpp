// issuance_requests in PostgreSQL (see storage/IssuanceRequestTable.hpp).
// Callers own the transaction (see PgStore).
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>
#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgIssuanceRequestTable {
    static bool insert(PgConnection& db, const std::string& name, const std::string& reason, UnixTime now);
    static std::vector<IssuanceRequest> due(PgConnection& db, UnixTime now, int limit);
    static std::vector<IssuanceRequest> failed(PgConnection& db, UnixTime now, int limit);
    static bool remove(PgConnection& db, const std::string& name);
    static bool fail(PgConnection& db, const std::string& name, const std::string& error, UnixTime retry_at);
};

}  // namespace certa::storage::pg
