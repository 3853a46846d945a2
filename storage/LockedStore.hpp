// The part of Store that both backends share: every method that takes the
// instance mutex, opens a transaction and calls a table. Each method is
// written once here; SqliteStore and PgStore supply the backend.
//
// Backend is a traits struct:
//   using Connection = ...;                       // owned here, one per instance
//   using Accounts = ...; Certificates, Challenges, Leases, IssuanceRequests,
//   Events                                        // static table functions on Connection&
//   static auto begin_write(Connection&);         // RAII transaction for writes
//   static auto begin_read(Connection&);          // RAII snapshot transaction
// The derived class adds what differs: opening, schema_version,
// integrity_check, location, next_generation and current_generation.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/CertificateValidation.hpp"
#include "storage/Store.hpp"

#include <chrono>
#include <mutex>
#include <type_traits>
#include <utility>

namespace certa::storage {

template <typename Backend>
class LockedStore : public Store {
    using Accounts = typename Backend::Accounts;
    using Certificates = typename Backend::Certificates;
    using Challenges = typename Backend::Challenges;
    using Leases = typename Backend::Leases;
    using IssuanceRequests = typename Backend::IssuanceRequests;
    using Events = typename Backend::Events;
    using OnDemandRules = typename Backend::OnDemandRules;
    using ServingAgents = typename Backend::ServingAgents;

public:
    // ---- accounts ---------------------------------------------------------------
    std::int64_t insert_account(const Account& account) override {
        return write([&] { return Accounts::insert(connection_, account, now()); });
    }
    void update_account(const Account& account) override {
        write([&] { Accounts::update(connection_, account); });
    }
    std::optional<Account> get_account(std::int64_t id) override {
        return locked([&] { return Accounts::get(connection_, id); });
    }
    std::optional<Account> find_account(const std::string& server) override {
        return locked([&] { return Accounts::find_for_server(connection_, server); });
    }
    std::vector<Account> list_accounts() override {
        return locked([&] { return Accounts::list(connection_); });
    }

    // ---- certificates -----------------------------------------------------------
    // Parsed and checked before the write lock is taken.
    std::int64_t put_certificate(const CertificateInput& input) override {
        std::vector<std::string> names;
        ChainInfo info = validate_certificate(input, names);
        return write([&] { return insert_certificate(input, info, names, next_generation(), now()); });
    }
    std::vector<std::int64_t> put_certificates(const std::vector<CertificateInput>& inputs) override {
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
    std::optional<CertificateRecord> get_certificate(std::int64_t id) override {
        return read([&] { return Certificates::get(connection_, id); });
    }
    std::optional<CertificateRecord> find_active_certificate(const std::string& name) override {
        return read([&] { return Certificates::find_active(connection_, name); });
    }
    std::vector<CertificateRecord> list_certificates(const CertificateFilter& filter) override {
        return read([&] { return Certificates::list(connection_, filter); });
    }
    std::vector<CertificateRecord> certificates_changed_since(std::int64_t generation) override {
        return read([&] { return Certificates::changed_since(connection_, generation); });
    }
    std::vector<IndexRow> index_rows_changed_since(std::int64_t generation) override {
        return read([&] { return Certificates::index_rows_changed_since(connection_, generation); });
    }
    void set_certificate_status(std::int64_t id, CertificateStatus status) override {
        write([&] { Certificates::set_status(connection_, id, status, next_generation(), now()); });
    }
    void update_renewal_state(std::int64_t id, const RenewalState& state) override {
        write([&] { Certificates::set_renewal_state(connection_, id, state, next_generation(), now()); });
    }
    // One transaction and one generation for the whole batch.
    void update_renewal_states(const std::vector<std::pair<std::int64_t, RenewalState>>& states) override {
        if (states.empty()) return;
        write([&] { Certificates::set_renewal_states(connection_, states, next_generation(), now()); });
    }
    void update_settings(std::int64_t id, const std::string& settings_json) override {
        write([&] { Certificates::set_settings(connection_, id, settings_json, next_generation(), now()); });
    }
    std::string edit_settings(std::int64_t id, const std::function<std::string(const std::string&)>& edit) override {
        return write([&] {
            auto old = Certificates::settings_for_update(connection_, id);
            if (!old) throw StoreError(StoreError::Kind::NotFound, "no certificate with id " + std::to_string(id));
            std::string edited = edit(*old);
            if (edited != *old) Certificates::set_settings(connection_, id, edited, next_generation(), now());
            return edited;
        });
    }
    void set_deploy_pending(std::int64_t id, bool pending) override {
        write([&] { Certificates::set_deploy_pending(connection_, id, pending, next_generation(), now()); });
    }

    // ---- challenges -------------------------------------------------------------
    std::int64_t put_challenge(const Challenge& challenge) override {
        return write([&] {
            next_generation();
            return Challenges::insert(connection_, challenge);
        });
    }
    void delete_challenge(std::int64_t id) override {
        write([&] {
            if (Challenges::remove(connection_, id)) next_generation();
        });
    }
    std::optional<Challenge> find_http01(const std::string& token) override {
        return locked([&] { return Challenges::find_http01(connection_, token, now()); });
    }
    std::optional<Challenge> find_tls_alpn01(const std::string& identifier) override {
        return locked([&] { return Challenges::find_tls_alpn01(connection_, identifier, now()); });
    }
    std::vector<Challenge> active_challenges(ChallengeType type) override {
        return locked([&] { return Challenges::active(connection_, type, now()); });
    }
    int purge_expired_challenges() override {
        return write([&] {
            int purged = Challenges::purge_expired(connection_, now());
            if (purged > 0) next_generation();
            return purged;
        });
    }

    // ---- leases -----------------------------------------------------------------
    LeaseGrant acquire_lease(const std::string& name, const std::string& owner, int ttl_seconds) override {
        return write([&] { return Leases::acquire(connection_, name, owner, ttl_seconds, now()); });
    }
    bool renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) override {
        return write([&] { return Leases::renew(connection_, name, token, ttl_seconds, now()); });
    }
    bool release_lease(const std::string& name, std::int64_t token) override {
        return write([&] { return Leases::release(connection_, name, token); });
    }

    // ---- on-demand issuance requests ----------------------------------------------
    bool request_issuance(const std::string& name, const std::string& reason) override {
        return write([&] { return IssuanceRequests::insert(connection_, name, reason, now()); });
    }
    std::vector<IssuanceRequest> due_issuance_requests(int limit) override {
        return locked([&] { return IssuanceRequests::due(connection_, now(), limit); });
    }
    bool finish_issuance_request(const std::string& name) override {
        return write([&] { return IssuanceRequests::remove(connection_, name); });
    }
    bool fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) override {
        return write([&] { return IssuanceRequests::fail(connection_, name, error, retry_at); });
    }
    std::vector<IssuanceRequest> failed_issuance_requests(int limit) override {
        return locked([&] { return IssuanceRequests::failed(connection_, now(), limit); });
    }

    // ---- on-demand allow/deny list ------------------------------------------------
    void put_on_demand_rule(const OnDemandRule& rule) override {
        write([&] {
            next_generation();
            OnDemandRules::put(connection_, rule, now());
        });
    }
    bool remove_on_demand_rule(const std::string& pattern) override {
        return write([&] {
            bool removed = OnDemandRules::remove(connection_, pattern);
            if (removed) next_generation();
            return removed;
        });
    }
    std::vector<OnDemandRule> list_on_demand_rules() override {
        return locked([&] { return OnDemandRules::list(connection_); });
    }

    // ---- serving agents -------------------------------------------------------------
    // No generation bump: agents' reports must not make every agent reload.
    void report_loaded_generation(const std::string& agent_id, std::int64_t generation, UnixTime time) override {
        write([&] { ServingAgents::report(connection_, agent_id, generation, time); });
    }
    std::vector<ServingAgent> serving_agents_seen_since(UnixTime since) override {
        return locked([&] { return ServingAgents::seen_since(connection_, since); });
    }
    bool remove_serving_agent(const std::string& agent_id) override {
        return write([&] { return ServingAgents::remove(connection_, agent_id); });
    }

    // ---- events -----------------------------------------------------------------
    void add_event(const std::string& kind, std::int64_t certificate_id, const std::string& detail) override {
        write([&] { Events::insert(connection_, kind, certificate_id, detail, now()); });
    }
    std::vector<Event> list_events(std::int64_t certificate_id, int limit) override {
        return locked([&] { return Events::list(connection_, certificate_id, limit); });
    }

protected:
    template <typename... Args>
    explicit LockedStore(const Clock* clock, Args&&... args)
        : clock_(clock ? clock : &Clock::system()), connection_(std::forward<Args>(args)...) {}

    // Inside a write: bumps the store generation and returns the new value.
    virtual std::int64_t next_generation() = 0;

    UnixTime now() const { return clock_->now(); }

    // Runs `body` under the mutex, outside any explicit transaction.
    template <typename Body>
    auto locked(Body&& body) {
        std::lock_guard lock(mutex_);
        return body();
    }

    // Runs `body` under the mutex in one write transaction (Backend::begin_write)
    // and returns its result once committed.
    template <typename Body>
    auto write(Body&& body) {
        std::lock_guard lock(mutex_);
        auto tx = Backend::begin_write(connection_);
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            tx.commit();
            wrote_locally_ = true;
        } else {
            auto result = body();
            tx.commit();
            wrote_locally_ = true;
            return result;
        }
    }

    // Runs `body` under the mutex in one read transaction: a consistent
    // snapshot across the statements it runs.
    template <typename Body>
    auto read(Body&& body) {
        std::lock_guard lock(mutex_);
        auto tx = Backend::begin_read(connection_);
        auto result = body();
        tx.commit();
        return result;
    }

    const Clock* clock_;
    std::mutex mutex_;
    typename Backend::Connection connection_;
    // Set by every committed write; current_generation re-reads after one.
    bool wrote_locally_ = true;

private:
    // One validated certificate row inside write(): fence, account, insert, replace.
    std::int64_t insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                    const std::vector<std::string>& names, std::int64_t generation, UnixTime time) {
        // The fence is checked inside the write transaction (SQLite holds the
        // database write lock; PostgreSQL keeps the lease row locked FOR UPDATE
        // until commit), so no newer grant can slip in before the commit.
        if (input.fence && !Leases::holds(connection_, input.fence->name, input.fence->token, time))
            throw StoreError(StoreError::Kind::Fenced, "lease '" + input.fence->name +
                                                           "' is no longer held with token " +
                                                           std::to_string(input.fence->token));
        if (input.account_id != 0 && !Accounts::exists(connection_, input.account_id))
            throw StoreError(StoreError::Kind::Invalid,
                             "account " + std::to_string(input.account_id) + " does not exist");
        std::int64_t id = Certificates::insert(connection_, input, info, names, generation, time);
        if (input.replaces) Certificates::mark_replaced(connection_, *input.replaces, id, generation, time);
        return id;
    }
};

}  // namespace certa::storage
