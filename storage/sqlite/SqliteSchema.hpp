// The SQLite side of the schema: the file's identity (user_version,
// application_id), the checks that decide whether a file may be migrated at
// all (before anything is written), and running the migration that
// storage/schema derives from the table descriptions.
#pragma once

#include "storage/schema/TableSchema.hpp"

#include <cstdint>

namespace certa::storage {

class SqliteConnection;

// PRAGMA user_version holds the schema version; PRAGMA application_id marks
// the file as a certa store ("CRTA").
constexpr int kLatestSchemaVersion = schema::kLatestVersion;
constexpr std::int32_t kCertaApplicationId = 0x43525441;

// Reads the file's identity without writing to it and without scanning it
// (header, application_id, user_version, sqlite_schema only: its cost does not
// grow with the store). Returns the schema version (0: an empty database that
// may become a store). Throws StoreError: NotAStore (not SQLite, or SQLite with
// someone else's tables), NewerSchema, Corrupt (when SQLite notices it while
// reading those pages). Corruption elsewhere surfaces on first read, or via
// quick_check / Store::integrity_check (`certa store check`).
int inspect_schema(SqliteConnection& connection);

// PRAGMA quick_check(1): scans the whole file. Throws StoreError(Corrupt) with
// SQLite's findings on one line. Run before migrations that write.
void quick_check(SqliteConnection& connection);

// Applies every migration above the current version up to `target` in one
// IMMEDIATE transaction (a concurrent opener that migrated first wins; the
// second finds nothing to do). `target` below kLatestSchemaVersion is for tests.
void migrate_schema(SqliteConnection& connection, int target = kLatestSchemaVersion);

// PRAGMA user_version.
int read_schema_version(SqliteConnection& connection);

}  // namespace certa::storage
