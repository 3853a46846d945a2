#include "storage/schema/SchemaDdl.hpp"

#include <algorithm>

namespace certa::storage::schema {

namespace {

int since(const TableSchema& table, const Column& column) { return std::max(table.since, column.since); }

// Version 6 moves deploy_pending out of settings_json into its column and
// removes the key from the JSON. Text that is not JSON is left alone: SQLite
// tests json_valid first; PostgreSQL casts through a function that turns a
// failed cast (such as the default '') into NULL.
constexpr const char* kSqliteVersion6 = R"sql(
UPDATE certificates SET deploy_pending = 1, settings_json = json_remove(settings_json, '$.deploy_pending')
 WHERE json_type(CASE WHEN json_valid(settings_json) THEN settings_json ELSE '{}' END, '$.deploy_pending') = 'true';
)sql";
constexpr const char* kPostgresVersion6 = R"sql(
CREATE FUNCTION pg_temp.certa_jsonb_or_null(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $f$;
UPDATE certificates SET deploy_pending = true,
  settings_json = (pg_temp.certa_jsonb_or_null(settings_json) - 'deploy_pending')::text
 WHERE settings_json LIKE '%deploy_pending%'
   AND pg_temp.certa_jsonb_or_null(settings_json) -> 'deploy_pending' = 'true'::jsonb;
DROP FUNCTION pg_temp.certa_jsonb_or_null(text);
)sql";

// Version 10: every active certificate gets its OCSP row, due at once (as a
// new certificate's is), so that the OCSP pass reads ocsp_responses alone.
constexpr const char* kVersion10 =
    "INSERT INTO ocsp_responses(certificate_id, generation) SELECT id, 0 FROM certificates WHERE status = 'active';\n";

// Data moved by a version's migration (after its DDL); empty when none.
std::string data_step(const sql::Dialect& dialect, int version) {
    if (version == 6) return sql::pick<const char*>(dialect.kind, kSqliteVersion6, kPostgresVersion6);
    if (version == 10) return kVersion10;
    return {};
}

}  // namespace

std::string column_definition(const Column& column, const sql::Dialect& dialect) {
    std::string out = std::string(column.name) + " ";
    switch (column.type) {
        case ColumnType::Id: return out + dialect.id_column;
        case ColumnType::Int64: out += dialect.integer_type; break;
        case ColumnType::Text: out += "TEXT"; break;
        case ColumnType::Bool: out += dialect.bool_type; break;
    }
    if (column.not_null) out += " NOT NULL";
    if (column.default_sql) out += std::string(" DEFAULT ") + column.default_sql;
    if (column.constraint) out += std::string(" ") + column.constraint;
    return out;
}

std::string create_table(const TableSchema& table, const sql::Dialect& dialect, int version) {
    std::string out = std::string("CREATE TABLE ") + table.name + "(\n";
    bool first = true;
    for (const Column* column : table.columns_at(version)) {
        out += (first ? "  " : ",\n  ") + column_definition(*column, dialect);
        first = false;
    }
    if (table.table_constraints) out += std::string(",\n  ") + table.table_constraints;
    out += "\n)";
    if (table.without_rowid && dialect.without_rowid) out += " WITHOUT ROWID";
    return out + ";\n";
}

std::string migration_script(const sql::Dialect& dialect, int from, int to) {
    std::string out;
    for (const auto& table : tables()) {
        if (table.since > to) continue;
        if (table.since > from) {
            out += create_table(table, dialect, to);
            continue;
        }
        for (const auto& column : table.columns)
            if (since(table, column) > from && since(table, column) <= to)
                out += std::string("ALTER TABLE ") + table.name + " ADD COLUMN " + column_definition(column, dialect) +
                       ";\n";
    }
    for (const auto& table : tables())
        for (const auto& index : table.indexes)
            if (std::max(index.since, table.since) > from && std::max(index.since, table.since) <= to)
                out += std::string("CREATE INDEX ") + index.name + " ON " + table.name + "(" +
                       dialect.translate(index.columns) + ");\n";
    if (from < 1 && to >= 1) out += std::string(dialect.bootstrap) + "\n";
    for (int version = from + 1; version <= to; ++version) out += data_step(dialect, version);
    return out;
}

}  // namespace certa::storage::schema
