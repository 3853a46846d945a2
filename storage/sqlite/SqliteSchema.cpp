#include "storage/sqlite/SqliteSchema.hpp"

#include "storage/schema/SchemaDdl.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/sqlite/SqliteStatement.hpp"
#include "storage/sqlite/SqliteTransaction.hpp"

#include <string>

namespace certa::storage {

namespace {

using Kind = StoreError::Kind;

std::int64_t pragma_int(SqliteConnection& connection, const char* sql) {
    SqliteStatement stmt(connection, sql);
    return stmt.step() ? stmt.int64(0) : 0;
}

StoreError newer_schema(const std::string& path, std::int64_t found) {
    return StoreError(Kind::NewerSchema, path + ": store schema version " + std::to_string(found) +
                                             " is newer than this certa supports (" +
                                             std::to_string(kLatestSchemaVersion) + ")");
}

// One line from SQLite's multi-line findings ("*** in database main ***\nPage 14: ...").
std::string one_line(const std::string& findings) {
    std::string out;
    size_t start = 0;
    while (start <= findings.size()) {
        size_t end = findings.find('\n', start);
        if (end == std::string::npos) end = findings.size();
        std::string line = findings.substr(start, end - start);
        if (!line.empty() && line.rfind("*** in database", 0) != 0) out += (out.empty() ? "" : "; ") + line;
        start = end + 1;
    }
    return out.empty() ? findings : out;
}

}  // namespace

void quick_check(SqliteConnection& connection) {
    SqliteStatement stmt(connection, "PRAGMA quick_check(1)");
    std::string result = stmt.step() ? stmt.text(0) : "no result";
    if (result != "ok")
        throw StoreError(Kind::Corrupt, "store " + connection.path() + " is corrupt (" + one_line(result) + ")");
}

int read_schema_version(SqliteConnection& connection) {
    return static_cast<int>(pragma_int(connection, "PRAGMA user_version"));
}

int inspect_schema(SqliteConnection& connection) {
    // One snapshot: read one by one, the three could straddle another
    // process's migration commit (version 0, then tables) and look foreign.
    SqliteTransaction snapshot(connection, SqliteTransaction::Mode::Deferred);
    std::int64_t version = read_schema_version(connection);
    std::int64_t application_id = pragma_int(connection, "PRAGMA application_id");
    std::int64_t objects = pragma_int(connection, "SELECT count(*) FROM sqlite_schema");
    snapshot.commit();
    if (application_id == kCertaApplicationId) {
        if (version > kLatestSchemaVersion) throw newer_schema(connection.path(), version);
        return static_cast<int>(version);
    }
    if (application_id == 0 && version == 0 && objects == 0) return 0;
    throw StoreError(Kind::NotAStore,
                     connection.path() + " is not a certa store (an SQLite database of another application)");
}

void migrate_schema(SqliteConnection& connection, int target) {
    SqliteTransaction tx(connection, SqliteTransaction::Mode::Immediate);
    // Re-read under the write lock: another process may have migrated meanwhile.
    int current = read_schema_version(connection);
    if (current > kLatestSchemaVersion) throw newer_schema(connection.path(), current);
    if (current >= target) return;
    connection.exec(schema::migration_script(sql::sqlite_dialect(), current, target).c_str());
    connection.exec(("PRAGMA user_version = " + std::to_string(target)).c_str());
    connection.exec(("PRAGMA application_id = " + std::to_string(kCertaApplicationId)).c_str());
    tx.commit();
}

}  // namespace certa::storage
