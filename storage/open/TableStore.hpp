// The one implementation of Store: every method takes the instance mutex,
// opens a transaction on the backend's connection and calls the table layer
// (storage/tables), which is written once over sql::Connection. The backend
// (SqliteBackend, PgBackend) supplies the connection, identity and change
// detection. One instance may be shared by threads; processes open their own.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/Store.hpp"
#include "storage/sql/Backend.hpp"

#include <memory>
#include <mutex>
#include <type_traits>

namespace certa::storage {

class TableStore final : public Store {
public:
    TableStore(std::unique_ptr<sql::Backend> backend, const Clock* clock);

    int schema_version() override;
    std::string integrity_check() override;
    std::string location() const override { return db_.location(); }
    // Not under the instance mutex: that is held by the call it interrupts.
    void interrupt() override { backend_->interrupt(); }

    std::int64_t insert_account(const Account& account) override;
    void update_account(const Account& account) override;
    std::optional<Account> get_account(std::int64_t id) override;
    std::optional<Account> find_account(const std::string& server) override;
    std::vector<Account> list_accounts() override;

    std::int64_t put_certificate(const CertificateInput& input) override;
    std::vector<std::int64_t> put_certificates(const std::vector<CertificateInput>& inputs) override;
    ImportIds import_batch(const ImportBatch& batch) override;
    std::optional<CertificateRecord> get_certificate(std::int64_t id) override;
    std::optional<CertificateRecord> find_active_certificate(const std::string& name) override;
    std::vector<CertificateRecord> list_certificates(const CertificateFilter& filter) override;
    std::vector<CertificateRecord> certificates_needing_attention(UnixTime now) override;
    std::vector<CertificateRecord> certificates_changed_since(std::int64_t generation) override;
    std::vector<IndexRow> index_rows_changed_since(std::int64_t generation, bool with_pem = true) override;
    void visit_index_rows_changed_since(std::int64_t generation, const std::function<void(const IndexRow&)>& visit,
                                        IndexSlice slice = {}) override;
    void set_certificate_status(std::int64_t id, CertificateStatus status) override;
    void update_renewal_state(std::int64_t id, const RenewalState& state) override;
    void update_renewal_states(const std::vector<std::pair<std::int64_t, RenewalState>>& states) override;
    void update_settings(std::int64_t id, const std::string& settings_json) override;
    std::string edit_settings(std::int64_t id, const std::function<std::string(const std::string&)>& edit) override;
    void set_deploy_pending(std::int64_t id, bool pending) override;

    std::int64_t put_challenge(const Challenge& challenge) override;
    void delete_challenge(std::int64_t id) override;
    std::optional<Challenge> find_http01(const std::string& token) override;
    std::optional<Challenge> find_tls_alpn01(const std::string& identifier) override;
    std::vector<Challenge> active_challenges(ChallengeType type) override;
    int purge_expired_challenges() override;

    LeaseGrant acquire_lease(const std::string& name, const std::string& owner, int ttl_seconds) override;
    bool renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) override;
    bool release_lease(const std::string& name, std::int64_t token) override;

    void add_event(const std::string& kind, std::int64_t certificate_id, const std::string& detail) override;
    std::vector<Event> list_events(std::int64_t certificate_id, int limit) override;

    bool request_issuance(const std::string& name, const std::string& reason) override;
    std::vector<IssuanceRequest> due_issuance_requests(int limit) override;
    bool finish_issuance_request(const std::string& name) override;
    bool fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) override;
    std::vector<IssuanceRequest> failed_issuance_requests(int limit) override;

    void put_on_demand_rule(const OnDemandRule& rule) override;
    bool remove_on_demand_rule(const std::string& pattern) override;
    std::vector<OnDemandRule> list_on_demand_rules() override;

    void report_loaded_generation(const std::string& agent_id, std::int64_t generation, UnixTime now) override;
    std::vector<ServingAgent> serving_agents_seen_since(UnixTime since) override;
    bool remove_serving_agent(const std::string& agent_id) override;

    void put_ocsp_response(const OcspStaple& staple) override;
    std::optional<OcspStaple> get_ocsp_response(std::int64_t certificate_id) override;
    std::vector<std::int64_t> certificates_needing_ocsp(UnixTime now, int limit) override;
    std::vector<std::int64_t> ocsp_changed_since(std::int64_t generation) override;
    std::vector<OcspStaple> list_ocsp_responses() override;
    bool request_ocsp_refresh(std::int64_t certificate_id) override;
    bool request_renewal(std::int64_t certificate_id, const std::string& reason) override;

    std::int64_t current_generation() override;

private:
    UnixTime now() const { return clock_->now(); }
    // Inside a write: bumps the store generation and returns the new value.
    std::int64_t next_generation();
    std::int64_t insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                    const std::vector<std::string>& names, std::int64_t generation, UnixTime time);

    // Runs `body` under the mutex, outside any explicit transaction.
    template <typename Body>
    auto locked(Body&& body) {
        std::lock_guard lock(mutex_);
        return body();
    }
    // Runs `body` under the mutex in one transaction of `mode`, committed
    // before the result is returned.
    template <typename Body>
    auto transaction(sql::TxMode mode, Body&& body) {
        std::lock_guard lock(mutex_);
        sql::Transaction tx(db_, mode);
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            tx.commit();
            if (mode == sql::TxMode::Write) wrote_locally_ = true;
        } else {
            auto result = body();
            tx.commit();
            if (mode == sql::TxMode::Write) wrote_locally_ = true;
            return result;
        }
    }
    template <typename Body>
    auto write(Body&& body) {
        return transaction(sql::TxMode::Write, std::forward<Body>(body));
    }
    template <typename Body>
    auto read(Body&& body) {
        return transaction(sql::TxMode::Read, std::forward<Body>(body));
    }

    std::unique_ptr<sql::Backend> backend_;
    sql::Connection& db_;
    const Clock* clock_;
    std::mutex mutex_;
    // Set by every committed write; current_generation re-reads after one.
    bool wrote_locally_ = true;
};

}  // namespace certa::storage
