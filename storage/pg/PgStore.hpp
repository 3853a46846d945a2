// The PostgreSQL implementation of Store, for a fleet sharing one database.
// One connection per instance, guarded by a mutex. Every write is one
// transaction; writes that change certificates or challenges bump the
// generation row (which serialises them) and NOTIFY certa_changes.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/Store.hpp"
#include "storage/pg/PgConnection.hpp"
#include "storage/pg/PgNotifier.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace certa::storage::pg {

class PgStore final : public Store {
public:
    // Connects (the URL goes to libpq as is), refuses foreign or newer
    // databases without writing, then migrates. Throws StoreError.
    PgStore(const std::string& url, const OpenOptions& options);

    int schema_version() override;
    std::string integrity_check() override;
    std::string location() const override { return connection_.location(); }

    std::int64_t insert_account(const Account& account) override;
    void update_account(const Account& account) override;
    std::optional<Account> get_account(std::int64_t id) override;
    std::optional<Account> find_account(const std::string& server) override;
    std::vector<Account> list_accounts() override;

    std::int64_t put_certificate(const CertificateInput& input) override;
    std::vector<std::int64_t> put_certificates(const std::vector<CertificateInput>& inputs) override;
    std::optional<CertificateRecord> get_certificate(std::int64_t id) override;
    std::optional<CertificateRecord> find_active_certificate(const std::string& name) override;
    std::vector<CertificateRecord> list_certificates(const CertificateFilter& filter) override;
    std::vector<CertificateRecord> certificates_changed_since(std::int64_t generation) override;
    std::vector<IndexRow> index_rows_changed_since(std::int64_t generation) override;
    void set_certificate_status(std::int64_t id, CertificateStatus status) override;
    void update_renewal_state(std::int64_t id, const RenewalState& state) override;
    void update_settings(std::int64_t id, const std::string& settings_json) override;

    std::int64_t put_challenge(const Challenge& challenge) override;
    void delete_challenge(std::int64_t id) override;
    std::optional<Challenge> find_http01(const std::string& token) override;
    std::optional<Challenge> find_tls_alpn01(const std::string& identifier) override;
    std::vector<Challenge> active_challenges(ChallengeType type) override;
    int purge_expired_challenges() override;

    LeaseGrant acquire_lease(const std::string& name, const std::string& owner, int ttl_seconds) override;
    bool renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) override;
    bool release_lease(const std::string& name, std::int64_t token) override;

    bool request_issuance(const std::string& name, const std::string& reason) override;
    std::vector<IssuanceRequest> due_issuance_requests(int limit) override;
    bool finish_issuance_request(const std::string& name) override;
    bool fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) override;

    void add_event(const std::string& kind, std::int64_t certificate_id, const std::string& detail) override;
    std::vector<Event> list_events(std::int64_t certificate_id, int limit) override;

    // Re-reads the counter only when a notification arrived, this store
    // wrote, or options.change_poll_ms passed since the last read.
    std::int64_t current_generation() override;

    // The connection, for `certa store migrate` and tests.
    PgConnection& connection() { return connection_; }

private:
    // Runs `body` in one READ COMMITTED transaction under the mutex; row
    // locks (the generation row, FOR UPDATE on leases) order the writers.
    void write(const std::function<void()>& body);
    // One validated certificate row inside write(): fence, account, insert, replace.
    std::int64_t insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                    const std::vector<std::string>& names, std::int64_t generation, UnixTime time);
    // Runs `body` in one REPEATABLE READ transaction (a consistent snapshot).
    template <typename Body>
    auto read(Body&& body) {
        PgTransaction tx(connection_, PgTransaction::Isolation::RepeatableRead);
        auto result = body();
        tx.commit();
        return result;
    }
    // Inside a write: bumps the generation, queues NOTIFY, returns the value.
    std::int64_t next_generation();

    std::mutex mutex_;
    PgConnection connection_;
    bool read_only_;
    std::optional<PgNotifier> notifier_;
    std::chrono::milliseconds poll_interval_;
    std::chrono::steady_clock::time_point last_read_{};
    std::int64_t cached_generation_ = 0;
    bool wrote_locally_ = true;
};

}  // namespace certa::storage::pg
