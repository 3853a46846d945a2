#include "storage/pg/PgMigrations.hpp"

#include "storage/StoreError.hpp"
#include "storage/pg/PgConnection.hpp"
#include "storage/schema/SchemaDdl.hpp"

#include <string>

namespace certa::storage::pg {

namespace {

using Kind = StoreError::Kind;

// pg_advisory_xact_lock key for migrations ("CRTA", as SQLite's application_id).
constexpr const char* kMigrationLockKey = "1129468993";

bool has_schema_table(PgConnection& connection) {
    return !connection.exec("SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = 'certa_schema'"
                            " AND schemaname = current_schema()")
                .empty();
}

StoreError newer_schema(const std::string& location, int found) {
    return StoreError(Kind::NewerSchema, location + ": store schema version " + std::to_string(found) +
                                             " is newer than this certa supports (" +
                                             std::to_string(kPgLatestSchemaVersion) + ")");
}

}  // namespace

int read_pg_schema_version(PgConnection& connection) {
    if (!has_schema_table(connection)) return 0;
    auto result = connection.exec("SELECT version, application FROM certa_schema LIMIT 1");
    return result.empty() ? 0 : static_cast<int>(result.int64(0, 0));
}

int inspect_pg_schema(PgConnection& connection) {
    if (has_schema_table(connection)) {
        auto result = connection.exec("SELECT version, application FROM certa_schema LIMIT 1");
        if (result.empty() || result.text(0, 1) != "certa")
            throw StoreError(Kind::NotAStore, connection.location() + " is not a certa store");
        int version = static_cast<int>(result.int64(0, 0));
        if (version > kPgLatestSchemaVersion) throw newer_schema(connection.location(), version);
        return version;
    }
    auto tables = connection.exec("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
    if (tables.int64(0, 0) == 0) return 0;
    throw StoreError(Kind::NotAStore, connection.location() +
                                          " is not a certa store (the database holds another application's tables)");
}

void migrate_pg_schema(PgConnection& connection, int target) {
    PgTransaction tx(connection);
    connection.exec(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")");
    // Re-read under the lock: another process may have migrated meanwhile.
    int current = inspect_pg_schema(connection);
    if (current >= target) return;
    // The version row lives outside the described tables (SQLite keeps it in
    // PRAGMA user_version).
    if (current == 0)
        connection.exec_script("CREATE TABLE certa_schema(application TEXT NOT NULL, version INTEGER NOT NULL);"
                               " INSERT INTO certa_schema(application, version) VALUES ('certa', 0);");
    connection.exec_script(schema::migration_script(sql::postgres_dialect(), current, target));
    connection.query("UPDATE certa_schema SET version = $1::integer", target);
    tx.commit();
}

}  // namespace certa::storage::pg
