#include "storage/sqlite/SqliteBackend.hpp"

#include "storage/sqlite/SqliteSchema.hpp"
#include "storage/sqlite/StoreFile.hpp"

#include <sqlite3.h>

#include <chrono>
#include <thread>

namespace certa::storage {

namespace {

using Kind = StoreError::Kind;

// Creates/tightens/sniffs the file before SQLite opens it (see StoreFile).
const std::string& prepared_path(const std::string& path, const OpenOptions& options) {
    prepare_store_file(path, options);
    return path;
}

// Some lock conflicts reach us as SQLITE_BUSY without SQLite's busy handler
// ever waiting: several processes switching a brand-new file to WAL, or one
// reading the header while another migrates it (SQLite's deadlock avoidance
// when a shared lock must become a write lock). Setting the store up is
// idempotent, so it is retried within the same busy timeout.
template <typename Step>
void retry_while_locked(int busy_timeout_ms, Step step) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
    for (auto pause = std::chrono::milliseconds(2);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
        try {
            step();
            return;
        } catch (const StoreError& e) {
            if (e.kind() != Kind::Locked || std::chrono::steady_clock::now() + pause >= deadline) throw;
        }
        std::this_thread::sleep_for(pause);
    }
}

}  // namespace

SqliteBackend::SqliteBackend(const std::string& path, const OpenOptions& options)
    : session_(prepared_path(path, options), options.read_only, options.busy_timeout_ms) {
    retry_while_locked(options.busy_timeout_ms, [&] { set_up(path, options); });
    data_version_.emplace(session_.raw(), "PRAGMA data_version");
}

// Checks the schema, switches to WAL and migrates: safe to run again after a
// lock conflict (each step re-reads what it depends on).
void SqliteBackend::set_up(const std::string& path, const OpenOptions& options) {
    SqliteConnection& connection = session_.raw();
    // Nothing below writes until inspect_schema accepted the file.
    int version = inspect_schema(connection);
    // An existing store is scanned before a migration rewrites it; a current
    // one is not (the scan's cost grows with the store; see `store check`).
    const bool will_migrate = !options.read_only && version > 0 && version < kLatestSchemaVersion;
    if (will_migrate) quick_check(connection);
    if (options.read_only) {
        if (version < kLatestSchemaVersion)
            throw StoreError(Kind::Io, "store " + path + " has schema version " + std::to_string(version) +
                                           "; open it writable once to migrate it to " +
                                           std::to_string(kLatestSchemaVersion));
    } else {
        // WAL: readers (handshake agents) never block the writer. NORMAL is
        // durable across application crashes in WAL mode.
        SqliteStatement wal(connection, "PRAGMA journal_mode = WAL");
        if (!wal.step() || wal.text(0) != "wal")
            throw StoreError(Kind::Io, "store " + path + ": cannot switch to WAL mode");
        wal.run();
        connection.exec("PRAGMA synchronous = NORMAL");
        // A group-shared store's readers cannot create its -wal/-shm: keep them.
        if (is_group_shared_store(path)) {
            int keep = 1;
            sqlite3_file_control(connection.get(), "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
        }
    }
    connection.exec("PRAGMA foreign_keys = ON");
    // Skipped when current, so opening never waits for another writer's lock.
    if (!options.read_only && version < kLatestSchemaVersion) migrate_schema(connection);
}

int SqliteBackend::schema_version() { return read_schema_version(session_.raw()); }

std::string SqliteBackend::integrity_check() {
    SqliteStatement stmt(session_.raw(), "PRAGMA integrity_check");
    std::string out;
    while (stmt.step()) out += (out.empty() ? "" : "\n") + stmt.text(0);
    return out;
}

// ---- change detection ----------------------------------------------------------

// PRAGMA data_version changes when another connection commits; our own commits
// are reported by TableStore. Only then is the meta row read again.
std::int64_t SqliteBackend::current_generation(bool wrote_locally) {
    static const sql::Query generation("SELECT value FROM meta WHERE key = 'generation'");
    std::int64_t data_version = data_version_->step() ? data_version_->int64(0) : -1;
    data_version_->reset();  // a stepped statement would pin a read snapshot
    if (data_version != seen_data_version_ || wrote_locally) {
        auto row = session_.rows(generation);
        cached_generation_ = row.next() ? row.int64(0) : 0;
        seen_data_version_ = data_version;
    }
    return cached_generation_;
}

// sqlite3_interrupt may be called from any thread while the handle is open.
void SqliteBackend::interrupt() { sqlite3_interrupt(session_.raw().get()); }

}  // namespace certa::storage
