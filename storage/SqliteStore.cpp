#include "storage/SqliteStore.hpp"

#include "storage/Migrations.hpp"
#include "storage/StoreFile.hpp"

#include <chrono>
#include <thread>

namespace certa::storage {

template class LockedStore<SqliteBackend>;

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

SqliteStore::SqliteStore(const std::string& path, const OpenOptions& options)
    : LockedStore(options.clock, prepared_path(path, options), options.read_only, options.busy_timeout_ms) {
    retry_while_locked(options.busy_timeout_ms, [&] { set_up(path, options); });
    data_version_.emplace(connection_, "PRAGMA data_version");
}

// Checks the schema, switches to WAL and migrates: safe to run again after a
// lock conflict (each step re-reads what it depends on).
void SqliteStore::set_up(const std::string& path, const OpenOptions& options) {
    // Nothing below writes until inspect_schema accepted the file.
    int version = inspect_schema(connection_);
    // An existing store is scanned before a migration rewrites it; a current
    // one is not (the scan's cost grows with the store; see `store check`).
    const bool will_migrate = !options.read_only && version > 0 && version < kLatestSchemaVersion;
    if (will_migrate) quick_check(connection_);
    if (options.read_only) {
        if (version < kLatestSchemaVersion)
            throw StoreError(Kind::Io, "store " + path + " has schema version " + std::to_string(version) +
                                           "; open it writable once to migrate it to " +
                                           std::to_string(kLatestSchemaVersion));
    } else {
        // WAL: readers (handshake agents) never block the writer. NORMAL is
        // durable across application crashes in WAL mode.
        SqliteStatement wal(connection_, "PRAGMA journal_mode = WAL");
        if (!wal.step() || wal.text(0) != "wal")
            throw StoreError(Kind::Io, "store " + path + ": cannot switch to WAL mode");
        wal.run();
        connection_.exec("PRAGMA synchronous = NORMAL");
    }
    connection_.exec("PRAGMA foreign_keys = ON");
    // Skipped when current, so opening never waits for another writer's lock.
    if (!options.read_only && version < kLatestSchemaVersion) migrate_schema(connection_);
}

std::int64_t SqliteStore::next_generation() {
    SqliteStatement stmt(connection_, "UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value");
    if (!stmt.step()) throw StoreError(Kind::Corrupt, "store " + location() + " has no generation counter");
    std::int64_t generation = stmt.int64(0);
    stmt.run();
    return generation;
}

std::int64_t SqliteStore::read_generation() {
    SqliteStatement stmt(connection_, "SELECT value FROM meta WHERE key = 'generation'");
    return stmt.step() ? stmt.int64(0) : 0;
}

int SqliteStore::schema_version() {
    std::lock_guard lock(mutex_);
    return read_schema_version(connection_);
}

std::string SqliteStore::integrity_check() {
    std::lock_guard lock(mutex_);
    SqliteStatement stmt(connection_, "PRAGMA integrity_check");
    std::string out;
    while (stmt.step()) out += (out.empty() ? "" : "\n") + stmt.text(0);
    return out;
}

// ---- change detection ----------------------------------------------------------

// PRAGMA data_version changes when another connection commits; our own commits
// set wrote_locally_. Only then is the meta row read again.
std::int64_t SqliteStore::current_generation() {
    std::lock_guard lock(mutex_);
    std::int64_t data_version = data_version_->step() ? data_version_->int64(0) : -1;
    data_version_->reset();  // a stepped statement would pin a read snapshot
    if (data_version != seen_data_version_ || wrote_locally_) {
        cached_generation_ = read_generation();
        seen_data_version_ = data_version;
        wrote_locally_ = false;
    }
    return cached_generation_;
}

}  // namespace certa::storage
