#include "storage/pg/PgStore.hpp"

#include "storage/pg/PgIssuanceRequestTable.hpp"
#include "storage/CertificateParser.hpp"
#include "storage/pg/PgCertificateTable.hpp"
#include "storage/pg/PgLeaseTable.hpp"
#include "storage/pg/PgMigrations.hpp"
#include "storage/pg/PgAccountTable.hpp"
#include "storage/pg/PgChallengeTable.hpp"
#include "storage/pg/PgEventTable.hpp"

#include <algorithm>

namespace certa::storage::pg {

namespace {

using Kind = StoreError::Kind;

UnixTime now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The same refusals as SqliteStore, before any transaction starts: the chain
// parses, the key parses and matches the leaf, and there are names.
ChainInfo validate(const CertificateInput& input, std::vector<std::string>& names) {
    ChainInfo info = parse_chain(input.chain_pem);
    auto key = ossl::parse_key_pem(input.key_pem);
    if (!key) throw StoreError(Kind::Invalid, "the certificate's private key does not parse");
    if (!ossl::key_matches(info.chain.front().get(), key.get()))
        throw StoreError(Kind::Invalid, "certificate does not match its private key");
    for (const auto& name : input.names.empty() ? info.names : input.names) {
        std::string lower = lowercase(name);
        if (!lower.empty() && std::find(names.begin(), names.end(), lower) == names.end()) names.push_back(lower);
    }
    if (names.empty()) throw StoreError(Kind::Invalid, "certificate has no names (no SAN and none given)");
    return info;
}

}  // namespace

PgStore::PgStore(const std::string& url, const OpenOptions& options)
    : connection_(url), read_only_(options.read_only),
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

void PgStore::write(const std::function<void()>& body) {
    PgTransaction tx(connection_);
    body();
    tx.commit();
    wrote_locally_ = true;
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

// ---- accounts ----------------------------------------------------------------

std::int64_t PgStore::insert_account(const Account& account) {
    std::lock_guard lock(mutex_);
    std::int64_t id = 0;
    write([&] { id = PgAccountTable::insert(connection_, account, now()); });
    return id;
}

void PgStore::update_account(const Account& account) {
    std::lock_guard lock(mutex_);
    write([&] { PgAccountTable::update(connection_, account); });
}

std::optional<Account> PgStore::get_account(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return PgAccountTable::get(connection_, id);
}

std::optional<Account> PgStore::find_account(const std::string& server) {
    std::lock_guard lock(mutex_);
    return PgAccountTable::find_for_server(connection_, server);
}

std::vector<Account> PgStore::list_accounts() {
    std::lock_guard lock(mutex_);
    return PgAccountTable::list(connection_);
}

// ---- certificates ------------------------------------------------------------

std::int64_t PgStore::insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                         const std::vector<std::string>& names, std::int64_t generation,
                                         UnixTime time) {
    // The fence row stays locked (FOR UPDATE) until commit: a competing
    // acquire_lease waits for us, so no newer grant can slip in between
    // this check and the commit.
    if (input.fence && !PgLeaseTable::hold(connection_, input.fence->name, input.fence->token, time))
        throw StoreError(Kind::Fenced, "lease '" + input.fence->name + "' is no longer held with token " +
                                           std::to_string(input.fence->token));
    if (input.account_id != 0 && !PgAccountTable::exists(connection_, input.account_id))
        throw StoreError(Kind::Invalid, "account " + std::to_string(input.account_id) + " does not exist");
    std::int64_t id = PgCertificateTable::insert(connection_, input, info, names, generation, time);
    if (input.replaces) PgCertificateTable::mark_replaced(connection_, *input.replaces, id, generation, time);
    return id;
}

std::int64_t PgStore::put_certificate(const CertificateInput& input) {
    std::vector<std::string> names;
    ChainInfo info = validate(input, names);
    std::lock_guard lock(mutex_);
    std::int64_t id = 0;
    write([&] {
        UnixTime time = now();
        id = insert_certificate(input, info, names, next_generation(), time);
    });
    return id;
}

std::vector<std::int64_t> PgStore::put_certificates(const std::vector<CertificateInput>& inputs) {
    // Parsed and checked before the write lock is taken, as in put_certificate.
    std::vector<std::vector<std::string>> names(inputs.size());
    std::vector<ChainInfo> infos;
    infos.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) infos.push_back(validate(inputs[i], names[i]));
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

std::optional<CertificateRecord> PgStore::get_certificate(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return read([&] { return PgCertificateTable::get(connection_, id); });
}

std::optional<CertificateRecord> PgStore::find_active_certificate(const std::string& name) {
    std::lock_guard lock(mutex_);
    return read([&] { return PgCertificateTable::find_active(connection_, name); });
}

std::vector<CertificateRecord> PgStore::list_certificates(const CertificateFilter& filter) {
    std::lock_guard lock(mutex_);
    return read([&] { return PgCertificateTable::list(connection_, filter); });
}

std::vector<CertificateRecord> PgStore::certificates_changed_since(std::int64_t generation) {
    std::lock_guard lock(mutex_);
    return read([&] { return PgCertificateTable::changed_since(connection_, generation); });
}

std::vector<IndexRow> PgStore::index_rows_changed_since(std::int64_t generation) {
    std::lock_guard lock(mutex_);
    return read([&] { return PgCertificateTable::index_rows_changed_since(connection_, generation); });
}

void PgStore::set_certificate_status(std::int64_t id, CertificateStatus status) {
    std::lock_guard lock(mutex_);
    write([&] { PgCertificateTable::set_status(connection_, id, status, next_generation(), now()); });
}

void PgStore::update_renewal_state(std::int64_t id, const RenewalState& state) {
    std::lock_guard lock(mutex_);
    write([&] { PgCertificateTable::set_renewal_state(connection_, id, state, next_generation(), now()); });
}

void PgStore::update_settings(std::int64_t id, const std::string& settings_json) {
    std::lock_guard lock(mutex_);
    write([&] { PgCertificateTable::set_settings(connection_, id, settings_json, next_generation(), now()); });
}

// ---- challenges --------------------------------------------------------------

std::int64_t PgStore::put_challenge(const Challenge& challenge) {
    std::lock_guard lock(mutex_);
    std::int64_t id = 0;
    write([&] {
        next_generation();
        id = PgChallengeTable::insert(connection_, challenge);
    });
    return id;
}

void PgStore::delete_challenge(std::int64_t id) {
    std::lock_guard lock(mutex_);
    write([&] {
        if (PgChallengeTable::remove(connection_, id)) next_generation();
    });
}

std::optional<Challenge> PgStore::find_http01(const std::string& token) {
    std::lock_guard lock(mutex_);
    return PgChallengeTable::find_http01(connection_, token, now());
}

std::optional<Challenge> PgStore::find_tls_alpn01(const std::string& identifier) {
    std::lock_guard lock(mutex_);
    return PgChallengeTable::find_tls_alpn01(connection_, identifier, now());
}

std::vector<Challenge> PgStore::active_challenges(ChallengeType type) {
    std::lock_guard lock(mutex_);
    return PgChallengeTable::active(connection_, type, now());
}

int PgStore::purge_expired_challenges() {
    std::lock_guard lock(mutex_);
    int purged = 0;
    write([&] {
        purged = PgChallengeTable::purge_expired(connection_, now());
        if (purged > 0) next_generation();
    });
    return purged;
}

// ---- leases ------------------------------------------------------------------

LeaseGrant PgStore::acquire_lease(const std::string& name, const std::string& owner, int ttl_seconds) {
    std::lock_guard lock(mutex_);
    LeaseGrant grant;
    write([&] { grant = PgLeaseTable::acquire(connection_, name, owner, ttl_seconds, now()); });
    return grant;
}

bool PgStore::renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) {
    std::lock_guard lock(mutex_);
    bool renewed = false;
    write([&] { renewed = PgLeaseTable::renew(connection_, name, token, ttl_seconds, now()); });
    return renewed;
}

bool PgStore::release_lease(const std::string& name, std::int64_t token) {
    std::lock_guard lock(mutex_);
    bool released = false;
    write([&] { released = PgLeaseTable::release(connection_, name, token); });
    return released;
}

// ---- on-demand issuance requests ------------------------------------------------

bool PgStore::request_issuance(const std::string& name, const std::string& reason) {
    std::lock_guard lock(mutex_);
    bool inserted = false;
    write([&] { inserted = PgIssuanceRequestTable::insert(connection_, name, reason, now()); });
    return inserted;
}

std::vector<IssuanceRequest> PgStore::due_issuance_requests(int limit) {
    std::lock_guard lock(mutex_);
    return PgIssuanceRequestTable::due(connection_, now(), limit);
}

bool PgStore::finish_issuance_request(const std::string& name) {
    std::lock_guard lock(mutex_);
    bool removed = false;
    write([&] { removed = PgIssuanceRequestTable::remove(connection_, name); });
    return removed;
}

bool PgStore::fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) {
    std::lock_guard lock(mutex_);
    bool updated = false;
    write([&] { updated = PgIssuanceRequestTable::fail(connection_, name, error, retry_at); });
    return updated;
}

// ---- events ------------------------------------------------------------------

void PgStore::add_event(const std::string& kind, std::int64_t certificate_id, const std::string& detail) {
    std::lock_guard lock(mutex_);
    write([&] { PgEventTable::insert(connection_, kind, certificate_id, detail, now()); });
}

std::vector<Event> PgStore::list_events(std::int64_t certificate_id, int limit) {
    std::lock_guard lock(mutex_);
    return PgEventTable::list(connection_, certificate_id, limit);
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
