// The PostgreSQL schema: the SQLite schema (storage/Migrations.cpp) translated
// to PostgreSQL types, with the same versions and the same refusals.
#pragma once

namespace certa::storage::pg {

class PgConnection;

// Kept equal to storage::kLatestSchemaVersion: version N means the same
// tables and columns in both backends (certa store migrate relies on it).
constexpr int kPgLatestSchemaVersion = 6;

// Reads the database's identity without writing. Returns the schema version
// (0: a database without tables that may become a store). Throws StoreError:
// NotAStore (tables of another application), NewerSchema.
int inspect_pg_schema(PgConnection& connection);

// Applies every migration above the current version up to `target` in one
// transaction, serialised across processes by an advisory lock (the second
// migrator finds nothing to do). `target` below the latest is for tests.
void migrate_pg_schema(PgConnection& connection, int target = kPgLatestSchemaVersion);

int read_pg_schema_version(PgConnection& connection);

}  // namespace certa::storage::pg
