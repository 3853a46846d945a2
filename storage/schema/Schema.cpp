// The store's tables. Columns are listed in storage order: a column added by
// a later version comes after the older ones, where ALTER TABLE ADD COLUMN
// puts it, so a migrated store and a fresh one have the same shape.
#include "storage/StoreError.hpp"
#include "storage/schema/RenewalAttention.hpp"
#include "storage/schema/TableSchema.hpp"

#include <algorithm>
#include <string>

namespace certa::storage::schema {

namespace {

using T = ColumnType;

std::vector<TableSchema> describe() {
    // Version 7: what `certa renew` has to look at, found through an index.
    static const std::string attention_columns = std::string("status, (") + kRenewalAttentionAt + ")";
    return {
        // Counters outside the data tables: generation, lease_token (SQLite).
        {"meta", 1, {{"key", T::Text, 1, false, nullptr, "PRIMARY KEY"}, {"value", T::Int64}}, nullptr, {}, true},
        {"accounts", 1,
         {{"id", T::Id},
          {"server", T::Text},
          {"key_type", T::Text},
          {"key_pem", T::Text},
          {"url", T::Text, 1, true, "''"},
          {"contact", T::Text, 1, true, "''"},
          {"status", T::Text},
          {"created", T::Int64}},
         nullptr, {{"accounts_by_server", "server, id"}}, false, "id"},
        {"certificates", 1,
         {{"id", T::Id},
          {"key_type", T::Text},
          {"key_pem", T::Text},
          {"chain_pem", T::Text},
          {"server", T::Text, 1, true, "''"},
          {"account_id", T::Int64, 1, false, nullptr, "REFERENCES accounts(id) ON DELETE SET NULL"},
          {"profile", T::Text, 1, true, "''"},
          {"settings_json", T::Text, 1, true, "''"},
          {"not_before", T::Int64},
          {"not_after", T::Int64},
          {"serial_hex", T::Text},
          {"aki_hex", T::Text, 1, true, "''"},
          {"ari_cert_id", T::Text, 1, true, "''"},
          {"status", T::Text, 1, true, nullptr, "CHECK (status IN ('active', 'replaced', 'revoked'))"},
          // Points forward (at the newer row): the copy sets it in a second pass.
          {"replaced_by", T::Int64, 1, false, nullptr, "REFERENCES certificates(id)"},
          {"generation", T::Int64},
          {"created", T::Int64},
          {"updated", T::Int64},
          // Version 2: renewal bookkeeping (ARI window, back-off).
          {"ari_window_start", T::Int64, 2, true, "0"},
          {"ari_window_end", T::Int64, 2, true, "0"},
          {"ari_next_check", T::Int64, 2, true, "0"},
          {"renew_at", T::Int64, 2, true, "0"},
          {"next_attempt", T::Int64, 2, true, "0"},
          {"failures", T::Int64, 2, true, "0"},
          {"last_error", T::Text, 2, true, "''"},
          // Version 6: a deploy hook still has to run (was a settings_json key).
          {"deploy_pending", T::Bool, 6, true, "false"}},
         nullptr,
         {{"certificates_by_generation", "generation", 2},
          {"certificates_by_attention", attention_columns.c_str(), 7},
          // Version 8: covers the handshake index's first load (no PEM:
          // Store::index_rows_changed_since without with_pem), which then
          // reads this index alone instead of every row's chain and key.
          {"certificates_for_index_load", "generation, id, status, key_type, not_before, not_after", 8}},
         false, "id"},
        // The names of each certificate in order; doubles as the SNI index.
        {"certificate_names", 1,
         {{"certificate_id", T::Int64, 1, true, nullptr, "REFERENCES certificates(id) ON DELETE CASCADE"},
          {"position", T::Int64},
          {"name", T::Text}},
         "PRIMARY KEY (certificate_id, position), UNIQUE (certificate_id, name)",
         {{"certificate_names_by_name", "name, certificate_id"}}, true, "certificate_id, position"},
        {"challenges", 1,
         {{"id", T::Id},
          {"type", T::Text, 1, true, nullptr, "CHECK (type IN ('http-01', 'dns-01', 'tls-alpn-01'))"},
          {"identifier", T::Text},
          {"token", T::Text},
          {"key_authorization", T::Text},
          {"cert_pem", T::Text, 1, true, "''"},
          {"key_pem", T::Text, 1, true, "''"},
          {"expires", T::Int64}},
         nullptr, {{"challenges_by_token", "token"}, {"challenges_by_identifier", "identifier, type"}}, false, "id"},
        {"leases", 1,
         {{"name", T::Text, 1, false, nullptr, "PRIMARY KEY"},
          {"owner", T::Text},
          {"token", T::Int64},
          {"expires", T::Int64}},
         nullptr, {}, true, "name"},
        // Version 2: the audit trail.
        {"events", 2,
         {{"id", T::Id},
          {"time", T::Int64},
          {"kind", T::Text},
          {"certificate_id", T::Int64, 1, true, "0"},
          {"detail", T::Text, 1, true, "''"}},
         nullptr, {{"events_by_certificate", "certificate_id, id"}}, false, "id"},
        // Version 3: on-demand issuance requests, one row per name so that
        // concurrent handshakes collapse into one order.
        {"issuance_requests", 3,
         {{"name", T::Text, 1, true, nullptr, "UNIQUE"},
          {"reason", T::Text, 1, true, "'issue'"},
          {"requested", T::Int64},
          {"attempts", T::Int64, 1, true, "0"},
          {"next_attempt", T::Int64, 1, true, "0"},
          {"last_error", T::Text, 1, true, "''"}},
         nullptr, {{"issuance_requests_by_time", "next_attempt, requested"}}, false, "name"},
        // Version 4: the on-demand allow/deny list.
        {"on_demand_rules", 4,
         {{"pattern", T::Text, 1, false, nullptr, "PRIMARY KEY"},
          {"action", T::Text, 1, true, nullptr, "CHECK (action IN ('allow', 'deny'))"},
          {"created", T::Int64}},
         nullptr, {}, false, "pattern"},
        // Version 5: the `certa serve` processes and the generation each has
        // loaded. Volatile liveness data: not copied (agents re-register).
        {"serving_agents", 5,
         {{"agent_id", T::Text, 1, false, nullptr, "PRIMARY KEY"},
          {"loaded_generation", T::Int64},
          {"seen_at", T::Int64}}},
    };
}

}  // namespace

const std::vector<TableSchema>& tables() {
    static const std::vector<TableSchema> all = describe();
    return all;
}

const TableSchema& table(std::string_view name) {
    for (const auto& t : tables())
        if (name == t.name) return t;
    throw StoreError(StoreError::Kind::Corrupt, "no table " + std::string(name) + " in the schema description");
}

const Column& TableSchema::column(std::string_view wanted) const {
    for (const auto& c : columns)
        if (wanted == c.name) return c;
    throw StoreError(StoreError::Kind::Corrupt, "no column " + std::string(wanted) + " in table " + name);
}

std::vector<const Column*> TableSchema::columns_at(int version) const {
    std::vector<const Column*> out;
    for (const auto& c : columns)
        if (std::max(c.since, since) <= version) out.push_back(&c);
    return out;
}

}  // namespace certa::storage::schema
