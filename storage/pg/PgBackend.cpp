#include "storage/pg/PgBackend.hpp"

#include "storage/StoreError.hpp"
#include "storage/pg/PgMigrations.hpp"

#include <algorithm>

namespace certa::storage::pg {

namespace {
using Kind = StoreError::Kind;
}  // namespace

PgBackend::PgBackend(const std::string& url, const OpenOptions& options)
    : session_(url), poll_interval_(std::chrono::milliseconds(std::max(0, options.change_poll_ms))) {
    PgConnection& connection = session_.raw();
    int version = inspect_pg_schema(connection);
    if (version == 0 && !options.create)
        throw StoreError(Kind::Io, "no certa store in " + connection.location() +
                                       " (and creating one was not asked for)");
    if (options.read_only) {
        if (version < kPgLatestSchemaVersion)
            throw StoreError(Kind::Io, "store " + connection.location() + " has schema version " +
                                           std::to_string(version) + "; open it writable once to migrate it to " +
                                           std::to_string(kPgLatestSchemaVersion));
        connection.add_session_statement("SET default_transaction_read_only = on");
    } else if (version < kPgLatestSchemaVersion) {
        migrate_pg_schema(connection);
    }
    // Waiting for a row lock longer than the busy timeout is reported as Locked.
    connection.add_session_statement("SET lock_timeout = " + std::to_string(std::max(0, options.busy_timeout_ms)));
    notifier_.emplace(connection);
}

int PgBackend::schema_version() { return read_pg_schema_version(session_.raw()); }

std::string PgBackend::integrity_check() {
    PgConnection& connection = session_.raw();
    std::string findings;
    auto add = [&](const std::string& finding) { findings += (findings.empty() ? "" : "\n") + finding; };
    int version = read_pg_schema_version(connection);
    if (version != kPgLatestSchemaVersion) add("schema version " + std::to_string(version));
    if (connection.exec("SELECT 1 FROM meta WHERE key = 'generation'").empty()) add("no generation counter");
    auto orphans = connection.exec("SELECT count(*) FROM certificates c WHERE NOT EXISTS"
                                   " (SELECT 1 FROM certificate_names n WHERE n.certificate_id = c.id)");
    if (orphans.int64(0, 0) > 0) add(orphans.text(0, 0) + " certificates without names");
    return findings.empty() ? "ok" : findings;
}

// Notifications arrive on this connection's socket without a query; draining
// them costs no round trip. The poll interval bounds how long a missed
// notification (dropped connection, a writer that bypassed certa) goes unseen.
std::int64_t PgBackend::current_generation(bool wrote_locally) {
    bool notified = notifier_->drain();
    auto time = std::chrono::steady_clock::now();
    if (notified || wrote_locally || time - last_read_ >= poll_interval_) {
        auto row = session_.raw().exec("SELECT value FROM meta WHERE key = 'generation'");
        cached_generation_ = row.empty() ? 0 : row.int64(0, 0);
        last_read_ = time;
    }
    return cached_generation_;
}

}  // namespace certa::storage::pg
