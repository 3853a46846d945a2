#include "storage/pg/PgStore.hpp"

#include "storage/pg/PgMigrations.hpp"

#include <algorithm>

namespace certa::storage {
template class LockedStore<pg::PgBackend>;
}  // namespace certa::storage

namespace certa::storage::pg {

namespace {

using Kind = StoreError::Kind;

}  // namespace

PgStore::PgStore(const std::string& url, const OpenOptions& options)
    : LockedStore(options.clock, url),
      poll_interval_(std::chrono::milliseconds(std::max(0, options.change_poll_ms))) {
    int version = inspect_pg_schema(connection_);
    if (version == 0 && !options.create)
        throw StoreError(Kind::Io, "no certa store in " + location() + " (and creating one was not asked for)");
    if (options.read_only) {
        if (version < kPgLatestSchemaVersion)
            throw StoreError(Kind::Io, "store " + location() + " has schema version " + std::to_string(version) +
                                           "; open it writable once to migrate it to " +
                                           std::to_string(kPgLatestSchemaVersion));
        connection_.add_session_statement("SET default_transaction_read_only = on");
    } else if (version < kPgLatestSchemaVersion) {
        migrate_pg_schema(connection_);
    }
    // Waiting for a row lock longer than the busy timeout is reported as Locked.
    connection_.add_session_statement("SET lock_timeout = " + std::to_string(std::max(0, options.busy_timeout_ms)));
    notifier_.emplace(connection_);
}

std::int64_t PgStore::next_generation() {
    // The NOTIFY is queued in the same statement (one round trip less per
    // write); PostgreSQL delivers it only when the transaction commits.
    auto row = connection_.query("UPDATE meta SET value = value + 1 WHERE key = 'generation'"
                                 " RETURNING value, pg_notify($1, value::text)",
                                 kChangesChannel);
    if (row.empty()) throw StoreError(Kind::Corrupt, "store " + location() + " has no generation counter");
    return row.int64(0, 0);
}

int PgStore::schema_version() {
    std::lock_guard lock(mutex_);
    return read_pg_schema_version(connection_);
}

std::string PgStore::integrity_check() {
    std::lock_guard lock(mutex_);
    std::string findings;
    auto add = [&](const std::string& finding) { findings += (findings.empty() ? "" : "\n") + finding; };
    int version = read_pg_schema_version(connection_);
    if (version != kPgLatestSchemaVersion) add("schema version " + std::to_string(version));
    if (connection_.exec("SELECT 1 FROM meta WHERE key = 'generation'").empty()) add("no generation counter");
    auto orphans = connection_.exec("SELECT count(*) FROM certificates c WHERE NOT EXISTS"
                                    " (SELECT 1 FROM certificate_names n WHERE n.certificate_id = c.id)");
    if (orphans.int64(0, 0) > 0) add(orphans.text(0, 0) + " certificates without names");
    return findings.empty() ? "ok" : findings;
}

// ---- change detection ----------------------------------------------------------

// Notifications arrive on this connection's socket without a query; draining
// them costs no round trip. The poll interval bounds how long a missed
// notification (dropped connection, a writer that bypassed certa) goes unseen.
std::int64_t PgStore::current_generation() {
    std::lock_guard lock(mutex_);
    bool notified = notifier_->drain();
    auto time = std::chrono::steady_clock::now();
    if (notified || wrote_locally_ || time - last_read_ >= poll_interval_) {
        auto row = connection_.exec("SELECT value FROM meta WHERE key = 'generation'");
        cached_generation_ = row.empty() ? 0 : row.int64(0, 0);
        last_read_ = time;
        wrote_locally_ = false;
    }
    return cached_generation_;
}

}  // namespace certa::storage::pg
