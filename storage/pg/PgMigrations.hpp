// The PostgreSQL side of the schema: the database's identity (the
// certa_schema row), the refusals (the same kinds as SQLite's), and running
// the migration that storage/schema derives from the table descriptions.
#pragma once

#include "storage/schema/TableSchema.hpp"

namespace certa::storage::pg {

class PgConnection;

// The same as SQLite's: both come from the one schema description.
constexpr int kPgLatestSchemaVersion = schema::kLatestVersion;

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
