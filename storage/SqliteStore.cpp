#include "storage/SqliteStore.hpp"

#include "storage/IssuanceRequestTable.hpp"
#include "storage/AccountTable.hpp"
#include "storage/CertificateParser.hpp"
#include "storage/CertificateTable.hpp"
#include "storage/CertificateValidation.hpp"
#include "storage/ChallengeTable.hpp"
#include "storage/EventTable.hpp"
#include "storage/LeaseTable.hpp"
#include "storage/Migrations.hpp"
#include "storage/SqliteStatement.hpp"
#include "storage/SqliteTransaction.hpp"
#include "storage/StoreFile.hpp"

#include <chrono>

namespace certa::storage {

namespace {

using Kind = StoreError::Kind;

UnixTime now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Creates/tightens/sniffs the file before SQLite opens it (see StoreFile).
const std::string& prepared_path(const std::string& path, const OpenOptions& options) {
    prepare_store_file(path, options);
    return path;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, const OpenOptions& options)
    : connection_(prepared_path(path, options), options.read_only, options.busy_timeout_ms) {
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
    data_version_.emplace(connection_, "PRAGMA data_version");
}

void SqliteStore::write(const std::function<void()>& body) {
    SqliteTransaction tx(connection_, SqliteTransaction::Mode::Immediate);
    body();
    tx.commit();
    wrote_locally_ = true;
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

// ---- accounts ----------------------------------------------------------------

std::int64_t SqliteStore::insert_account(const Account& account) {
    std::lock_guard lock(mutex_);
    std::int64_t id = 0;
    write([&] { id = AccountTable::insert(connection_, account, now()); });
    return id;
}

void SqliteStore::update_account(const Account& account) {
    std::lock_guard lock(mutex_);
    write([&] { AccountTable::update(connection_, account); });
}

std::optional<Account> SqliteStore::get_account(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return AccountTable::get(connection_, id);
}

std::optional<Account> SqliteStore::find_account(const std::string& server) {
    std::lock_guard lock(mutex_);
    return AccountTable::find_for_server(connection_, server);
}

std::vector<Account> SqliteStore::list_accounts() {
    std::lock_guard lock(mutex_);
    return AccountTable::list(connection_);
}

// ---- certificates ------------------------------------------------------------

std::int64_t SqliteStore::insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                             const std::vector<std::string>& names, std::int64_t generation,
                                             UnixTime time) {
    // The fence is checked under the write lock, so no newer grant can
    // slip in between this check and the commit.
    if (input.fence && !LeaseTable::holds(connection_, input.fence->name, input.fence->token, time))
        throw StoreError(Kind::Fenced, "lease '" + input.fence->name + "' is no longer held with token " +
                                           std::to_string(input.fence->token));
    if (input.account_id != 0 && !AccountTable::exists(connection_, input.account_id))
        throw StoreError(Kind::Invalid, "account " + std::to_string(input.account_id) + " does not exist");
    std::int64_t id = CertificateTable::insert(connection_, input, info, names, generation, time);
    if (input.replaces) CertificateTable::mark_replaced(connection_, *input.replaces, id, generation, time);
    return id;
}

std::int64_t SqliteStore::put_certificate(const CertificateInput& input) {
    std::vector<std::string> names;
    ChainInfo info = validate_certificate(input, names);
    std::lock_guard lock(mutex_);
    std::int64_t id = 0;
    write([&] {
        UnixTime time = now();
        id = insert_certificate(input, info, names, next_generation(), time);
    });
    return id;
}

std::vector<std::int64_t> SqliteStore::put_certificates(const std::vector<CertificateInput>& inputs) {
    // Parsed and checked before the write lock is taken, as in put_certificate.
    std::vector<std::vector<std::string>> names(inputs.size());
    std::vector<ChainInfo> infos;
    infos.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) infos.push_back(validate_certificate(inputs[i], names[i]));
    std::vector<std::int64_t> ids;
    if (inputs.empty()) return ids;
    std::lock_guard lock(mutex_);
    write([&] {
        ids.clear();
        UnixTime time = now();
        std::int64_t generation = next_generation();
        for (size_t i = 0; i < inputs.size(); ++i)
            ids.push_back(insert_certificate(inputs[i], infos[i], names[i], generation, time));
    });
    return ids;
}

std::optional<CertificateRecord> SqliteStore::get_certificate(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return read([&] { return CertificateTable::get(connection_, id); });
}

std::optional<CertificateRecord> SqliteStore::find_active_certificate(const std::string& name) {
    std::lock_guard lock(mutex_);
    return read([&] { return CertificateTable::find_active(connection_, name); });
}

std::vector<CertificateRecord> SqliteStore::list_certificates(const CertificateFilter& filter) {
    std::lock_guard lock(mutex_);
    return read([&] { return CertificateTable::list(connection_, filter); });
}

std::vector<CertificateRecord> SqliteStore::certificates_changed_since(std::int64_t generation) {
    std::lock_guard lock(mutex_);
    return read([&] { return CertificateTable::changed_since(connection_, generation); });
}

std::vector<IndexRow> SqliteStore::index_rows_changed_since(std::int64_t generation) {
    std::lock_guard lock(mutex_);
    return read([&] { return CertificateTable::index_rows_changed_since(connection_, generation); });
}

void SqliteStore::set_certificate_status(std::int64_t id, CertificateStatus status) {
    std::lock_guard lock(mutex_);
    write([&] { CertificateTable::set_status(connection_, id, status, next_generation(), now()); });
}

void SqliteStore::update_renewal_state(std::int64_t id, const RenewalState& state) {
    std::lock_guard lock(mutex_);
    write([&] { CertificateTable::set_renewal_state(connection_, id, state, next_generation(), now()); });
}

void SqliteStore::update_settings(std::int64_t id, const std::string& settings_json) {
    std::lock_guard lock(mutex_);
    write([&] { CertificateTable::set_settings(connection_, id, settings_json, next_generation(), now()); });
}

// ---- challenges --------------------------------------------------------------

std::int64_t SqliteStore::put_challenge(const Challenge& challenge) {
    std::lock_guard lock(mutex_);
    std::int64_t id = 0;
    write([&] {
        next_generation();
        id = ChallengeTable::insert(connection_, challenge);
    });
    return id;
}

void SqliteStore::delete_challenge(std::int64_t id) {
    std::lock_guard lock(mutex_);
    write([&] {
        if (ChallengeTable::remove(connection_, id)) next_generation();
    });
}

std::optional<Challenge> SqliteStore::find_http01(const std::string& token) {
    std::lock_guard lock(mutex_);
    return ChallengeTable::find_http01(connection_, token, now());
}

std::optional<Challenge> SqliteStore::find_tls_alpn01(const std::string& identifier) {
    std::lock_guard lock(mutex_);
    return ChallengeTable::find_tls_alpn01(connection_, identifier, now());
}

std::vector<Challenge> SqliteStore::active_challenges(ChallengeType type) {
    std::lock_guard lock(mutex_);
    return ChallengeTable::active(connection_, type, now());
}

int SqliteStore::purge_expired_challenges() {
    std::lock_guard lock(mutex_);
    int purged = 0;
    write([&] {
        purged = ChallengeTable::purge_expired(connection_, now());
        if (purged > 0) next_generation();
    });
    return purged;
}

// ---- leases ------------------------------------------------------------------

LeaseGrant SqliteStore::acquire_lease(const std::string& name, const std::string& owner, int ttl_seconds) {
    std::lock_guard lock(mutex_);
    LeaseGrant grant;
    write([&] { grant = LeaseTable::acquire(connection_, name, owner, ttl_seconds, now()); });
    return grant;
}

bool SqliteStore::renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) {
    std::lock_guard lock(mutex_);
    bool renewed = false;
    write([&] { renewed = LeaseTable::renew(connection_, name, token, ttl_seconds, now()); });
    return renewed;
}

bool SqliteStore::release_lease(const std::string& name, std::int64_t token) {
    std::lock_guard lock(mutex_);
    bool released = false;
    write([&] { released = LeaseTable::release(connection_, name, token); });
    return released;
}

// ---- on-demand issuance requests ------------------------------------------------

bool SqliteStore::request_issuance(const std::string& name, const std::string& reason) {
    std::lock_guard lock(mutex_);
    bool inserted = false;
    write([&] { inserted = IssuanceRequestTable::insert(connection_, name, reason, now()); });
    return inserted;
}

std::vector<IssuanceRequest> SqliteStore::due_issuance_requests(int limit) {
    std::lock_guard lock(mutex_);
    return IssuanceRequestTable::due(connection_, now(), limit);
}

bool SqliteStore::finish_issuance_request(const std::string& name) {
    std::lock_guard lock(mutex_);
    bool removed = false;
    write([&] { removed = IssuanceRequestTable::remove(connection_, name); });
    return removed;
}

bool SqliteStore::fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) {
    std::lock_guard lock(mutex_);
    bool updated = false;
    write([&] { updated = IssuanceRequestTable::fail(connection_, name, error, retry_at); });
    return updated;
}

// ---- events ------------------------------------------------------------------

void SqliteStore::add_event(const std::string& kind, std::int64_t certificate_id, const std::string& detail) {
    std::lock_guard lock(mutex_);
    write([&] { EventTable::insert(connection_, kind, certificate_id, detail, now()); });
}

std::vector<Event> SqliteStore::list_events(std::int64_t certificate_id, int limit) {
    std::lock_guard lock(mutex_);
    return EventTable::list(connection_, certificate_id, limit);
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
