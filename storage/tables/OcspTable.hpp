// SQL for the ocsp_responses table: the OCSP response kept for each
// certificate (StoreTypes.hpp OcspStaple), what is due for a fetch, and what
// changed since a generation (for the agents' reloads). Callers own the
// transaction and bump the generation on writes.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace certa::storage {

class OcspTable {
public:
    // Inserts or replaces the certificate's row, stamped with `generation`.
    static void put(sql::Connection& db, const OcspStaple& staple, std::int64_t generation);
    // The row of a certificate just stored: nothing fetched yet, due at once
    // (generation 0: no agent has anything to reload for it).
    static void insert_pending(sql::Connection& db, std::int64_t certificate_id);
    static std::optional<OcspStaple> get(sql::Connection& db, std::int64_t certificate_id);
    // Rows whose refresh_at has come, oldest first (limit <= 0: all): one
    // range of ocsp_responses_by_refresh, so nothing due reads no row. May
    // name replaced or revoked certificates; the caller retires those.
    static std::vector<std::int64_t> due(sql::Connection& db, UnixTime now, int limit);
    // Certificate ids whose row was written after `generation`.
    static std::vector<std::int64_t> changed_since(sql::Connection& db, std::int64_t generation);
    // Moves refresh_at forward to `now` when it lies later; true when the row
    // changed. Not stamped: the response itself did not change.
    static bool refresh_now(sql::Connection& db, std::int64_t certificate_id, UnixTime now);
    // Rows of active certificates, without the DER (check, metrics).
    static std::vector<OcspStaple> list_active(sql::Connection& db);
};

}  // namespace certa::storage
