// The SQLite implementation of Store: one connection per instance, guarded by
// a mutex so one SqliteStore may be shared by threads. Processes (and
// handshake agents) open their own. WAL mode lets readers run beside a writer.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"
#include "storage/SqliteTransaction.hpp"
#include "storage/Store.hpp"

#include <functional>
#include <mutex>

namespace certa::storage {

class SqliteStore final : public Store {
public:
    // Prepares the file (0600), refuses foreign/corrupt/newer files without
    // writing to them, then migrates. Throws StoreError.
    SqliteStore(const std::string& path, const OpenOptions& options);

    int schema_version() override;
    std::string integrity_check() override;
    std::string location() const override { return connection_.path(); }

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

    std::int64_t current_generation() override;

private:
    // Runs `body` in one BEGIN IMMEDIATE transaction under the mutex.
    void write(const std::function<void()>& body);
    // One validated certificate row inside write(): fence, account, insert, replace.
    std::int64_t insert_certificate(const CertificateInput& input, const ChainInfo& info,
                                    const std::vector<std::string>& names, std::int64_t generation, UnixTime time);
    // Runs `body` in one deferred (read) transaction: a consistent snapshot
    // across the statements it runs. Callers hold the mutex.
    template <typename Body>
    auto read(Body&& body) {
        SqliteTransaction tx(connection_, SqliteTransaction::Mode::Deferred);
        auto result = body();
        tx.commit();
        return result;
    }
    // Inside a write: bumps the store generation and returns the new value.
    std::int64_t next_generation();
    std::int64_t read_generation();

    std::mutex mutex_;
    SqliteConnection connection_;
    // Change detection (see current_generation). The statement is prepared
    // once; it is declared after connection_ so it is finalized first.
    std::optional<SqliteStatement> data_version_;
    std::int64_t seen_data_version_ = -1;
    std::int64_t cached_generation_ = 0;
    bool wrote_locally_ = true;
};

}  // namespace certa::storage
