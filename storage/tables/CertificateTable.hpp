// SQL for the certificates and certificate_names tables. Callers hold the
// connection's lock and, for writes, an open IMMEDIATE transaction.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace certa::storage {

class CertificateTable {
public:
    // Inserts the row and its names (lowercase, de-duplicated, in order).
    static std::int64_t insert(sql::Connection& db, const CertificateInput& input, const ChainInfo& info,
                               const std::vector<std::string>& names, std::int64_t generation, UnixTime now);
    // Marks `id` replaced by `replacement` (a revoked row keeps its status).
    // Throws NotFound for a missing row, Invalid when it was already replaced.
    static void mark_replaced(sql::Connection& db, std::int64_t id, std::int64_t replacement,
                              std::int64_t generation, UnixTime now);
    static std::optional<CertificateRecord> get(sql::Connection& db, std::int64_t id);
    static std::optional<CertificateRecord> find_active(sql::Connection& db, const std::string& name);
    static std::vector<CertificateRecord> list(sql::Connection& db, const CertificateFilter& filter);
    // Active rows `certa renew` has to look at `now` (schema/RenewalAttention.hpp),
    // soonest expiry first, without key and chain.
    static std::vector<CertificateRecord> needing_attention(sql::Connection& db, UnixTime now);
    static std::vector<CertificateRecord> changed_since(sql::Connection& db, std::int64_t generation);
    static std::vector<IndexRow> index_rows_changed_since(sql::Connection& db, std::int64_t generation,
                                                          bool with_pem);
    static void visit_index_rows_changed_since(sql::Connection& db, std::int64_t generation,
                                               const std::function<void(const IndexRow&)>& visit,
                                               IndexSlice slice);
    // The update_* calls throw NotFound when no row has that id.
    static void set_status(sql::Connection& db, std::int64_t id, CertificateStatus status,
                           std::int64_t generation, UnixTime now);
    static void set_renewal_state(sql::Connection& db, std::int64_t id, const RenewalState& state,
                                  std::int64_t generation, UnixTime now);
    static void set_settings(sql::Connection& db, std::int64_t id, const std::string& settings_json,
                             std::int64_t generation, UnixTime now);
    static void set_deploy_pending(sql::Connection& db, std::int64_t id, bool pending, std::int64_t generation,
                                   UnixTime now);
    // Moves an active row's renew_at to `now` when it lies later (or was never
    // chosen); true when the row changed.
    static bool renew_now(sql::Connection& db, std::int64_t id, std::int64_t generation, UnixTime now);
    // The row's settings_json (nullopt: no such row); the IMMEDIATE transaction holds the write lock.
    static std::optional<std::string> settings_for_update(sql::Connection& db, std::int64_t id);
    // set_renewal_state for many rows with one prepared statement; ids with
    // no row are skipped.
    static void set_renewal_states(sql::Connection& db,
                                   const std::vector<std::pair<std::int64_t, RenewalState>>& states,
                                   std::int64_t generation, UnixTime now);
};

}  // namespace certa::storage
