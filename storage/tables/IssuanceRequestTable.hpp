// SQL for the issuance_requests table: on-demand issuance asked for by a
// handshake (certa serve --on-demand) and fulfilled by any ACME worker that
// shares the store. One row per name (UNIQUE), so concurrent handshakes for a
// name, even on several machines, collapse into one request.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <string>
#include <vector>

namespace certa::storage {

class IssuanceRequestTable {
public:
    // Inserts unless a row for the name exists; true when it inserted.
    static bool insert(sql::Connection& db, const std::string& name, const std::string& reason, UnixTime now);
    // Rows whose next_attempt has come, oldest first; limit <= 0: all.
    static std::vector<IssuanceRequest> due(sql::Connection& db, UnixTime now, int limit);
    // Rows that failed at least once and are still backing off (next_attempt
    // after `now`), latest retry first; limit <= 0: all.
    static std::vector<IssuanceRequest> failed(sql::Connection& db, UnixTime now, int limit);
    static bool remove(sql::Connection& db, const std::string& name);
    static bool fail(sql::Connection& db, const std::string& name, const std::string& error, UnixTime retry_at);
};

}  // namespace certa::storage
