#include "storage/open/TableStore.hpp"

#include "storage/CertificateValidation.hpp"
#include "storage/tables/AccountTable.hpp"
#include "storage/tables/CertificateTable.hpp"
#include "storage/tables/ChallengeTable.hpp"
#include "storage/tables/EventTable.hpp"
#include "storage/tables/IssuanceRequestTable.hpp"
#include "storage/tables/LeaseTable.hpp"
#include "storage/tables/OcspTable.hpp"
#include "storage/tables/OnDemandRuleTable.hpp"
#include "storage/tables/ServingAgentTable.hpp"

namespace certa::storage {

using Kind = StoreError::Kind;

TableStore::TableStore(std::unique_ptr<sql::Backend> backend, const Clock* clock)
    : backend_(std::move(backend)), db_(backend_->connection()), clock_(clock ? clock : &Clock::system()) {}

int TableStore::schema_version() {
    return locked([&] { return backend_->schema_version(); });
}

std::string TableStore::integrity_check() {
    return locked([&] { return backend_->integrity_check(); });
}

std::int64_t TableStore::next_generation() {
    static const sql::Query sqlite(sql::sqlite_dialect().bump_generation);
    static const sql::Query postgres(sql::postgres_dialect().bump_generation);
    auto row = db_.rows(sql::pick(db_.dialect().kind, sqlite, postgres));
    if (!row.next()) throw StoreError(Kind::Corrupt, "store " + location() + " has no generation counter");
    return row.int64(0);
}

std::int64_t TableStore::current_generation() {
    std::lock_guard lock(mutex_);
    std::int64_t generation = backend_->current_generation(wrote_locally_);
    wrote_locally_ = false;
    return generation;
}

// ---- accounts -------------------------------------------------------------------

std::int64_t TableStore::insert_account(const Account& account) {
    return write([&] { return AccountTable::insert(db_, account, now()); });
}
void TableStore::update_account(const Account& account) {
    write([&] { AccountTable::update(db_, account); });
}
std::optional<Account> TableStore::get_account(std::int64_t id) {
    return locked([&] { return AccountTable::get(db_, id); });
}
std::optional<Account> TableStore::find_account(const std::string& server) {
    return locked([&] { return AccountTable::find_for_server(db_, server); });
}
std::vector<Account> TableStore::list_accounts() {
    return locked([&] { return AccountTable::list(db_); });
}

// ---- certificates ---------------------------------------------------------------

// Parsed and checked before the write lock is taken.
std::int64_t TableStore::put_certificate(const CertificateInput& input) {
    std::vector<std::string> names;
    ChainInfo info = validate_certificate(input, names);
    return write([&] { return insert_certificate(input, info, names, next_generation(), now()); });
}

std::vector<std::int64_t> TableStore::put_certificates(const std::vector<CertificateInput>& inputs) {
    std::vector<std::vector<std::string>> names(inputs.size());
    std::vector<ChainInfo> infos;
    infos.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) infos.push_back(validate_certificate(inputs[i], names[i]));
    if (inputs.empty()) return {};
    return write([&] {
        std::vector<std::int64_t> ids;
        UnixTime time = now();
        std::int64_t generation = next_generation();
        for (size_t i = 0; i < inputs.size(); ++i)
            ids.push_back(insert_certificate(inputs[i], infos[i], names[i], generation, time));
        return ids;
    });
}

// Validated (chains, keys, account indexes) before the write lock is taken.
ImportIds TableStore::import_batch(const ImportBatch& batch) {
    const auto count = batch.certificates.size();
    std::vector<std::vector<std::string>> names(count);
    std::vector<ChainInfo> infos;
    infos.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const auto& c = batch.certificates[i];
        if (c.account_index >= static_cast<int>(batch.accounts.size()))
            throw StoreError(Kind::Invalid, "import: certificate " + std::to_string(i) + " names no account of the batch");
        infos.push_back(validate_certificate(c.input, names[i]));
    }
    if (batch.accounts.empty() && count == 0) return {};
    return write([&] {
        ImportIds ids;
        const UnixTime time = now();
        for (const auto& account : batch.accounts) ids.accounts.push_back(AccountTable::insert(db_, account, time));
        if (count == 0) return ids;
        const std::int64_t generation = next_generation();
        for (size_t i = 0; i < count; ++i) {
            const auto& c = batch.certificates[i];
            CertificateInput input = c.input;
            if (c.account_index >= 0) input.account_id = ids.accounts[static_cast<size_t>(c.account_index)];
            const std::int64_t id = insert_certificate(input, infos[i], names[i], generation, time);
            EventTable::insert(db_, "imported", id, c.event_detail, time);
            ids.certificates.push_back(id);
        }
        return ids;
    });
}

// One validated certificate row inside write(): fence, account, insert, replace.
std::int64_t TableStore::insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                            const std::vector<std::string>& names, std::int64_t generation,
                                            UnixTime time) {
    // The fence is checked inside the write transaction (SQLite holds the
    // database write lock; PostgreSQL keeps the lease row locked FOR UPDATE
    // until commit), so no newer grant can slip in before the commit.
    if (input.fence && !LeaseTable::holds(db_, input.fence->name, input.fence->token, time))
        throw StoreError(Kind::Fenced, "lease '" + input.fence->name + "' is no longer held with token " +
                                           std::to_string(input.fence->token));
    if (input.account_id != 0 && !AccountTable::exists(db_, input.account_id))
        throw StoreError(Kind::Invalid, "account " + std::to_string(input.account_id) + " does not exist");
    std::int64_t id = CertificateTable::insert(db_, input, info, names, generation, time);
    OcspTable::insert_pending(db_, id);  // due for the next OCSP pass
    if (input.replaces) CertificateTable::mark_replaced(db_, *input.replaces, id, generation, time);
    return id;
}

std::optional<CertificateRecord> TableStore::get_certificate(std::int64_t id) {
    return read([&] { return CertificateTable::get(db_, id); });
}
std::optional<CertificateRecord> TableStore::find_active_certificate(const std::string& name) {
    return read([&] { return CertificateTable::find_active(db_, name); });
}
std::vector<CertificateRecord> TableStore::list_certificates(const CertificateFilter& filter) {
    return read([&] { return CertificateTable::list(db_, filter); });
}
std::vector<CertificateRecord> TableStore::certificates_needing_attention(UnixTime time) {
    return read([&] { return CertificateTable::needing_attention(db_, time); });
}
std::vector<CertificateRecord> TableStore::certificates_changed_since(std::int64_t generation) {
    return read([&] { return CertificateTable::changed_since(db_, generation); });
}
std::vector<IndexRow> TableStore::index_rows_changed_since(std::int64_t generation, bool with_pem) {
    return read([&] { return CertificateTable::index_rows_changed_since(db_, generation, with_pem); });
}
void TableStore::visit_index_rows_changed_since(std::int64_t generation,
                                                const std::function<void(const IndexRow&)>& visit, IndexSlice slice) {
    read([&] { CertificateTable::visit_index_rows_changed_since(db_, generation, visit, slice); });
}
void TableStore::set_certificate_status(std::int64_t id, CertificateStatus status) {
    write([&] { CertificateTable::set_status(db_, id, status, next_generation(), now()); });
}
void TableStore::update_renewal_state(std::int64_t id, const RenewalState& state) {
    write([&] { CertificateTable::set_renewal_state(db_, id, state, next_generation(), now()); });
}
// One transaction and one generation for the whole batch.
void TableStore::update_renewal_states(const std::vector<std::pair<std::int64_t, RenewalState>>& states) {
    if (states.empty()) return;
    write([&] { CertificateTable::set_renewal_states(db_, states, next_generation(), now()); });
}
void TableStore::update_settings(std::int64_t id, const std::string& settings_json) {
    write([&] { CertificateTable::set_settings(db_, id, settings_json, next_generation(), now()); });
}

// The row is read under the write lock (SQLite IMMEDIATE; PostgreSQL FOR
// UPDATE), so a concurrent editor waits and then edits our result.
std::string TableStore::edit_settings(std::int64_t id, const std::function<std::string(const std::string&)>& edit) {
    return write([&] {
        auto old = CertificateTable::settings_for_update(db_, id);
        if (!old) throw StoreError(Kind::NotFound, "no certificate with id " + std::to_string(id));
        std::string edited = edit(*old);
        if (edited != *old) CertificateTable::set_settings(db_, id, edited, next_generation(), now());
        return edited;
    });
}
void TableStore::set_deploy_pending(std::int64_t id, bool pending) {
    write([&] { CertificateTable::set_deploy_pending(db_, id, pending, next_generation(), now()); });
}

// ---- challenges -----------------------------------------------------------------

std::int64_t TableStore::put_challenge(const Challenge& challenge) {
    return write([&] {
        next_generation();
        return ChallengeTable::insert(db_, challenge);
    });
}
void TableStore::delete_challenge(std::int64_t id) {
    write([&] {
        if (ChallengeTable::remove(db_, id)) next_generation();
    });
}
std::optional<Challenge> TableStore::find_http01(const std::string& token) {
    return locked([&] { return ChallengeTable::find_http01(db_, token, now()); });
}
std::optional<Challenge> TableStore::find_tls_alpn01(const std::string& identifier) {
    return locked([&] { return ChallengeTable::find_tls_alpn01(db_, identifier, now()); });
}
std::vector<Challenge> TableStore::active_challenges(ChallengeType type) {
    return locked([&] { return ChallengeTable::active(db_, type, now()); });
}
int TableStore::purge_expired_challenges() {
    return write([&] {
        int purged = ChallengeTable::purge_expired(db_, now());
        if (purged > 0) next_generation();
        return purged;
    });
}

// ---- leases ---------------------------------------------------------------------

LeaseGrant TableStore::acquire_lease(const std::string& name, const std::string& owner, int ttl_seconds) {
    return write([&] { return LeaseTable::acquire(db_, name, owner, ttl_seconds, now()); });
}
bool TableStore::renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) {
    return write([&] { return LeaseTable::renew(db_, name, token, ttl_seconds, now()); });
}
bool TableStore::release_lease(const std::string& name, std::int64_t token) {
    return write([&] { return LeaseTable::release(db_, name, token); });
}

// ---- events ---------------------------------------------------------------------

void TableStore::add_event(const std::string& kind, std::int64_t certificate_id, const std::string& detail) {
    write([&] { EventTable::insert(db_, kind, certificate_id, detail, now()); });
}
std::vector<Event> TableStore::list_events(std::int64_t certificate_id, int limit) {
    return locked([&] { return EventTable::list(db_, certificate_id, limit); });
}

// ---- on-demand issuance requests ------------------------------------------------

bool TableStore::request_issuance(const std::string& name, const std::string& reason) {
    return write([&] { return IssuanceRequestTable::insert(db_, name, reason, now()); });
}
std::vector<IssuanceRequest> TableStore::due_issuance_requests(int limit) {
    return locked([&] { return IssuanceRequestTable::due(db_, now(), limit); });
}
bool TableStore::finish_issuance_request(const std::string& name) {
    return write([&] { return IssuanceRequestTable::remove(db_, name); });
}
bool TableStore::fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) {
    return write([&] { return IssuanceRequestTable::fail(db_, name, error, retry_at); });
}
std::vector<IssuanceRequest> TableStore::failed_issuance_requests(int limit) {
    return locked([&] { return IssuanceRequestTable::failed(db_, now(), limit); });
}

// ---- on-demand allow/deny list --------------------------------------------------

void TableStore::put_on_demand_rule(const OnDemandRule& rule) {
    write([&] {
        next_generation();
        OnDemandRuleTable::put(db_, rule, now());
    });
}
bool TableStore::remove_on_demand_rule(const std::string& pattern) {
    return write([&] {
        bool removed = OnDemandRuleTable::remove(db_, pattern);
        if (removed) next_generation();
        return removed;
    });
}
std::vector<OnDemandRule> TableStore::list_on_demand_rules() {
    return locked([&] { return OnDemandRuleTable::list(db_); });
}

// ---- serving agents: no generation bump (reports must not make agents reload) ---

void TableStore::report_loaded_generation(const std::string& agent_id, std::int64_t generation, UnixTime time) {
    write([&] { ServingAgentTable::report(db_, agent_id, generation, time); });
}
std::vector<ServingAgent> TableStore::serving_agents_seen_since(UnixTime since) {
    return locked([&] { return ServingAgentTable::seen_since(db_, since); });
}
bool TableStore::remove_serving_agent(const std::string& agent_id) {
    return write([&] { return ServingAgentTable::remove(db_, agent_id); });
}

// ---- OCSP responses and maintenance asked for at handshake time ------------------

void TableStore::put_ocsp_response(const OcspStaple& staple) {
    write([&] { OcspTable::put(db_, staple, next_generation()); });
}
std::optional<OcspStaple> TableStore::get_ocsp_response(std::int64_t certificate_id) {
    return locked([&] { return OcspTable::get(db_, certificate_id); });
}
std::vector<std::int64_t> TableStore::certificates_needing_ocsp(UnixTime time, int limit) {
    return locked([&] { return OcspTable::due(db_, time, limit); });
}
std::vector<std::int64_t> TableStore::ocsp_changed_since(std::int64_t generation) {
    return locked([&] { return OcspTable::changed_since(db_, generation); });
}
std::vector<OcspStaple> TableStore::list_ocsp_responses() {
    return read([&] { return OcspTable::list_active(db_); });
}
bool TableStore::request_ocsp_refresh(std::int64_t certificate_id) {
    return write([&] { return OcspTable::refresh_now(db_, certificate_id, now()); });
}
bool TableStore::request_renewal(std::int64_t certificate_id, const std::string& reason) {
    return write([&] {
        // The generation moves only when the row does (a repeated request writes nothing).
        const UnixTime time = now();
        static const sql::Query probe("SELECT 1 FROM certificates WHERE id = ?1 AND status = 'active'"
                                      " AND (renew_at = 0 OR renew_at > ?2)");
        if (!db_.rows(probe, certificate_id, time).next()) return false;
        CertificateTable::renew_now(db_, certificate_id, next_generation(), time);
        EventTable::insert(db_, "renewal-requested", certificate_id, reason, time);
        return true;
    });
}

}  // namespace certa::storage
