// SQL for the certificates and certificate_names tables (PostgreSQL). Callers
// own the transaction; see PgStore.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/StoreTypes.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgCertificateTable {
    static std::int64_t insert(PgConnection& db, const CertificateInput& input, const ChainInfo& info,
                               const std::vector<std::string>& names, std::int64_t generation, UnixTime now);
    // Locks the row (FOR UPDATE) and marks it replaced by `replacement`.
    static void mark_replaced(PgConnection& db, std::int64_t id, std::int64_t replacement, std::int64_t generation,
                              UnixTime now);
    static std::optional<CertificateRecord> get(PgConnection& db, std::int64_t id);
    static std::optional<CertificateRecord> find_active(PgConnection& db, const std::string& name);
    static std::vector<CertificateRecord> list(PgConnection& db, const CertificateFilter& filter);
    static std::vector<CertificateRecord> changed_since(PgConnection& db, std::int64_t generation);
    static std::vector<IndexRow> index_rows_changed_since(PgConnection& db, std::int64_t generation);
    static void set_status(PgConnection& db, std::int64_t id, CertificateStatus status, std::int64_t generation,
                           UnixTime now);
    static void set_renewal_state(PgConnection& db, std::int64_t id, const RenewalState& state,
                                  std::int64_t generation, UnixTime now);
    static void set_settings(PgConnection& db, std::int64_t id, const std::string& settings_json,
                             std::int64_t generation, UnixTime now);
    static void set_deploy_pending(PgConnection& db, std::int64_t id, bool pending, std::int64_t generation,
                                   UnixTime now);
    // The row's settings_json, locked FOR UPDATE (nullopt: no such row).
    static std::optional<std::string> settings_for_update(PgConnection& db, std::int64_t id);
    // set_renewal_state for many rows in ONE statement (unnest of arrays: one
    // round trip instead of one per row); ids with no row are skipped.
    static void set_renewal_states(PgConnection& db, const std::vector<std::pair<std::int64_t, RenewalState>>& states,
                                   std::int64_t generation, UnixTime now);
};

}  // namespace certa::storage::pg
