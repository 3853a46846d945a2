#include "storage/pg/TableIo.hpp"

#include "storage/pg/ConnectionString.hpp"
#include "storage/pg/PgTableIo.hpp"
#include "storage/pg/SqliteTableIo.hpp"

namespace certa::storage::pg {

std::string column_list(const TableSpec& table) {
    std::string out;
    for (const auto& column : table.columns) out += (out.empty() ? "" : ", ") + std::string(column.name);
    return out;
}

const std::vector<TableSpec>& copied_tables() {
    static const std::vector<TableSpec> tables = {
        {"accounts", "id",
         {{"id", true}, {"server", false}, {"key_type", false}, {"key_pem", false}, {"url", false},
          {"contact", false}, {"status", false}, {"created", true}}},
        {"certificates", "id",
         {{"id", true}, {"key_type", false}, {"key_pem", false}, {"chain_pem", false}, {"server", false},
          {"account_id", true}, {"profile", false}, {"settings_json", false}, {"not_before", true},
          {"not_after", true}, {"serial_hex", false}, {"aki_hex", false}, {"ari_cert_id", false},
          {"status", false}, {"generation", true}, {"created", true}, {"updated", true},
          {"ari_window_start", true}, {"ari_window_end", true}, {"ari_next_check", true}, {"renew_at", true},
          {"next_attempt", true}, {"failures", true}, {"last_error", false}, {"deploy_pending", true, true}}},
        {"certificate_names", "certificate_id, position",
         {{"certificate_id", true}, {"position", true}, {"name", false}}},
        {"challenges", "id",
         {{"id", true}, {"type", false}, {"identifier", false}, {"token", false}, {"key_authorization", false},
          {"cert_pem", false}, {"key_pem", false}, {"expires", true}}},
        {"leases", "name", {{"name", false}, {"owner", false}, {"token", true}, {"expires", true}}},
        {"events", "id",
         {{"id", true}, {"time", true}, {"kind", false}, {"certificate_id", true}, {"detail", false}}},
        {"issuance_requests", "name",
         {{"name", false}, {"reason", false}, {"requested", true}, {"attempts", true}, {"next_attempt", true},
          {"last_error", false}}},
        {"on_demand_rules", "pattern", {{"pattern", false}, {"action", false}, {"created", true}}},
    };
    return tables;
}

std::unique_ptr<TableIo> open_table_io(const std::string& location) {
    if (is_postgres_url(location)) return std::make_unique<PgTableIo>(location);
    return std::make_unique<SqliteTableIo>(location);
}

}  // namespace certa::storage::pg
