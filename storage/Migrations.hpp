// The store schema: versioned, forward-only migrations, and the checks that
// decide whether a file may be migrated at all (before anything is written).
#pragma once

#include <cstdint>

namespace certa::storage {

class SqliteConnection;

// PRAGMA user_version holds the schema version; PRAGMA application_id marks
// the file as a certa store ("CRTA").
constexpr int kLatestSchemaVersion = 3;
constexpr std::int32_t kCertaApplicationId = 0x43525441;

// Reads the file's identity without writing to it. Returns the schema version
// (0: an empty database that may become a store). Throws StoreError:
// NotAStore (not SQLite, or SQLite with someone else's tables), NewerSchema,
// Corrupt (PRAGMA quick_check failed).
int inspect_schema(SqliteConnection& connection);

// Applies every migration above the current version up to `target` in one
// IMMEDIATE transaction (a concurrent opener that migrated first wins; the
// second finds nothing to do). `target` below kLatestSchemaVersion is for tests.
void migrate_schema(SqliteConnection& connection, int target = kLatestSchemaVersion);

// PRAGMA user_version.
int read_schema_version(SqliteConnection& connection);

}  // namespace certa::storage
