// The store's tables. Columns are listed in storage order: a column added by
// a later version comes after the older ones, where ALTER TABLE ADD COLUMN
// puts it, so a migrated store and a fresh one have the same shape.
#include "storage/ChallengeType.hpp"
#include "storage/StoreError.hpp"
#include "storage/schema/RenewalAttention.hpp"
#include "storage/schema/TableSchema.hpp"

#include <algorithm>
#include <string>

namespace certa::storage::schema {

namespace {

using T = ColumnType;

// Counters outside the data tables: generation, lease_token (SQLite).
TableSchema meta_table() {
    return {.name = "meta",
            .since = 1,
            .columns = {{.name = "key", .type = T::Text, .not_null = false, .constraint = "PRIMARY KEY"},
                        {"value", T::Int64}},
            .without_rowid = true};
}

TableSchema accounts_table() {
    return {.name = "accounts",
            .since = 1,
            .columns = {{"id", T::Id},
                        {"server", T::Text},
                        {"key_type", T::Text},
                        {"key_pem", T::Text},
                        {.name = "url", .type = T::Text, .default_sql = "''"},
                        {.name = "contact", .type = T::Text, .default_sql = "''"},
                        {"status", T::Text},
                        {"created", T::Int64}},
            .indexes = {{"accounts_by_server", "server, id"}},
            .copy_order = "id"};
}

TableSchema certificates_table() {
    // Version 7: what `certa renew` has to look at, found through an index.
    static const std::string attention_columns = std::string("status, (") + kRenewalAttentionAt + ")";
    return {
        .name = "certificates",
        .since = 1,
        .columns =
            {{"id", T::Id},
             {"key_type", T::Text},
             {"key_pem", T::Text},
             {"chain_pem", T::Text},
             {.name = "server", .type = T::Text, .default_sql = "''"},
             {.name = "account_id",
              .type = T::Int64,
              .not_null = false,
              .constraint = "REFERENCES accounts(id) ON DELETE SET NULL"},
             {.name = "profile", .type = T::Text, .default_sql = "''"},
             {.name = "settings_json", .type = T::Text, .default_sql = "''"},
             {"not_before", T::Int64},
             {"not_after", T::Int64},
             {"serial_hex", T::Text},
             {.name = "aki_hex", .type = T::Text, .default_sql = "''"},
             {.name = "ari_cert_id", .type = T::Text, .default_sql = "''"},
             {.name = "status", .type = T::Text, .constraint = "CHECK (status IN ('active', 'replaced', 'revoked'))"},
             // Points forward (at the newer row): the copy sets it in a second pass.
             {.name = "replaced_by", .type = T::Int64, .not_null = false, .constraint = "REFERENCES certificates(id)"},
             {"generation", T::Int64},
             {"created", T::Int64},
             {"updated", T::Int64},
             // Version 2: renewal bookkeeping (ARI window, back-off).
             {.name = "ari_window_start", .type = T::Int64, .since = 2, .default_sql = "0"},
             {.name = "ari_window_end", .type = T::Int64, .since = 2, .default_sql = "0"},
             {.name = "ari_next_check", .type = T::Int64, .since = 2, .default_sql = "0"},
             {.name = "renew_at", .type = T::Int64, .since = 2, .default_sql = "0"},
             {.name = "next_attempt", .type = T::Int64, .since = 2, .default_sql = "0"},
             {.name = "failures", .type = T::Int64, .since = 2, .default_sql = "0"},
             {.name = "last_error", .type = T::Text, .since = 2, .default_sql = "''"},
             // Version 6: a deploy hook still has to run (was a settings_json key).
             {.name = "deploy_pending", .type = T::Bool, .since = 6, .default_sql = "false"},
             // Version 9: the class of last_error (storage/RenewalErrorClass.hpp), set
             // from the failure's type so that no reader parses the text.
             {.name = "last_error_class", .type = T::Text, .since = 9, .default_sql = "''"}},
        .indexes = {{"certificates_by_generation", "generation", 2},
                    {"certificates_by_attention", attention_columns.c_str(), 7},
                    // Version 8: covers the handshake index's first load (no PEM:
                    // Store::index_rows_changed_since without with_pem), which then
                    // reads this index alone instead of every row's chain and key.
                    {"certificates_for_index_load", "generation, id, status, key_type, not_before, not_after", 8}},
        .copy_order = "id"};
}

// The names of each certificate in order; doubles as the SNI index.
TableSchema certificate_names_table() {
    return {.name = "certificate_names",
            .since = 1,
            .columns = {{.name = "certificate_id",
                         .type = T::Int64,
                         .constraint = "REFERENCES certificates(id) ON DELETE CASCADE"},
                        {"position", T::Int64},
                        {"name", T::Text}},
            .table_constraints = "PRIMARY KEY (certificate_id, position), UNIQUE (certificate_id, name)",
            .indexes = {{"certificate_names_by_name", "name, certificate_id"}},
            .without_rowid = true,
            .copy_order = "certificate_id, position"};
}

TableSchema challenges_table() {
    static const std::string type_check = challenge_type_check("type");
    return {.name = "challenges",
            .since = 1,
            .columns = {{"id", T::Id},
                        {.name = "type",
                         .type = T::Text,
                         .constraint = type_check.c_str()},
                        {"identifier", T::Text},
                        {"token", T::Text},
                        {"key_authorization", T::Text},
                        {.name = "cert_pem", .type = T::Text, .default_sql = "''"},
                        {.name = "key_pem", .type = T::Text, .default_sql = "''"},
                        {"expires", T::Int64}},
            .indexes = {{"challenges_by_token", "token"}, {"challenges_by_identifier", "identifier, type"}},
            .copy_order = "id"};
}

TableSchema leases_table() {
    return {.name = "leases",
            .since = 1,
            .columns = {{.name = "name", .type = T::Text, .not_null = false, .constraint = "PRIMARY KEY"},
                        {"owner", T::Text},
                        {"token", T::Int64},
                        {"expires", T::Int64}},
            .without_rowid = true,
            .copy_order = "name"};
}

// Version 2: the audit trail.
TableSchema events_table() {
    return {.name = "events",
            .since = 2,
            .columns = {{"id", T::Id},
                        {"time", T::Int64},
                        {"kind", T::Text},
                        {.name = "certificate_id", .type = T::Int64, .default_sql = "0"},
                        {.name = "detail", .type = T::Text, .default_sql = "''"}},
            .indexes = {{"events_by_certificate", "certificate_id, id"}},
            .copy_order = "id"};
}

// Version 3: on-demand issuance requests, one row per name so that
// concurrent handshakes collapse into one order.
TableSchema issuance_requests_table() {
    return {.name = "issuance_requests",
            .since = 3,
            .columns = {{.name = "name", .type = T::Text, .constraint = "UNIQUE"},
                        {.name = "reason", .type = T::Text, .default_sql = "'issue'"},
                        {"requested", T::Int64},
                        {.name = "attempts", .type = T::Int64, .default_sql = "0"},
                        {.name = "next_attempt", .type = T::Int64, .default_sql = "0"},
                        {.name = "last_error", .type = T::Text, .default_sql = "''"}},
            .indexes = {{"issuance_requests_by_time", "next_attempt, requested"}},
            .copy_order = "name"};
}

// Version 4: the on-demand allow/deny list.
TableSchema on_demand_rules_table() {
    return {.name = "on_demand_rules",
            .since = 4,
            .columns = {{.name = "pattern", .type = T::Text, .not_null = false, .constraint = "PRIMARY KEY"},
                        {.name = "action", .type = T::Text, .constraint = "CHECK (action IN ('allow', 'deny'))"},
                        {"created", T::Int64}},
            .copy_order = "pattern"};
}

// Version 5: the `certa serve` processes and the generation each has
// loaded. Volatile liveness data: not copied (no copy_order; agents re-register).
TableSchema serving_agents_table() {
    return {.name = "serving_agents",
            .since = 5,
            .columns = {{.name = "agent_id", .type = T::Text, .not_null = false, .constraint = "PRIMARY KEY"},
                        {"loaded_generation", T::Int64},
                        {"seen_at", T::Int64}}};
}

// Version 10: OCSP responses for stapling (storage/StoreTypes.hpp OcspStaple),
// one row per certificate; the DER is kept base64url-encoded (both dialects' TEXT).
TableSchema ocsp_responses_table() {
    return {.name = "ocsp_responses",
            .since = 10,
            .columns = {{.name = "certificate_id",
                         .type = T::Int64,
                         .not_null = false,
                         .constraint = "PRIMARY KEY REFERENCES certificates(id) ON DELETE CASCADE"},
                        {.name = "status", .type = T::Text, .default_sql = "''"},
                        {.name = "response", .type = T::Text, .default_sql = "''"},
                        {.name = "this_update", .type = T::Int64, .default_sql = "0"},
                        {.name = "next_update", .type = T::Int64, .default_sql = "0"},
                        {.name = "refresh_at", .type = T::Int64, .default_sql = "0"},
                        {.name = "fetched", .type = T::Int64, .default_sql = "0"},
                        {.name = "last_error", .type = T::Text, .default_sql = "''"},
                        {"generation", T::Int64}},
            .indexes = {{"ocsp_responses_by_refresh", "refresh_at"},
                        {"ocsp_responses_by_generation", "generation"}},
            .copy_order = "certificate_id"};
}

}  // namespace

const std::vector<TableSchema>& tables() {
    static const std::vector<TableSchema> all = {
        meta_table(),       accounts_table(), certificates_table(), certificate_names_table(),
        challenges_table(), leases_table(),   events_table(),       issuance_requests_table(),
        on_demand_rules_table(), serving_agents_table(), ocsp_responses_table(),
    };
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
