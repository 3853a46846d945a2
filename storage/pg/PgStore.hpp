// The PostgreSQL implementation of Store, for a fleet sharing one database.
// One connection per instance, guarded by a mutex. Every write is one
// transaction; writes that change certificates or challenges bump the
// generation row (which serialises them) and NOTIFY certa_changes.
#pragma once

#include "storage/LockedStore.hpp"
#include "storage/pg/PgAccountTable.hpp"
#include "storage/pg/PgCertificateTable.hpp"
#include "storage/pg/PgChallengeTable.hpp"
#include "storage/pg/PgConnection.hpp"
#include "storage/pg/PgEventTable.hpp"
#include "storage/pg/PgIssuanceRequestTable.hpp"
#include "storage/pg/PgLeaseTable.hpp"
#include "storage/pg/PgNotifier.hpp"
#include "storage/pg/PgOnDemandRuleTable.hpp"
#include "storage/pg/PgServingAgentTable.hpp"

#include <chrono>
#include <optional>

namespace certa::storage::pg {

// The PostgreSQL side of LockedStore.
struct PgBackend {
    using Connection = PgConnection;
    using Accounts = PgAccountTable;
    using Certificates = PgCertificateTable;
    using Challenges = PgChallengeTable;
    using Leases = PgLeaseTable;
    using IssuanceRequests = PgIssuanceRequestTable;
    using Events = PgEventTable;
    using OnDemandRules = PgOnDemandRuleTable;
    using ServingAgents = PgServingAgentTable;
    // READ COMMITTED: row locks (the generation row, FOR UPDATE on leases)
    // order the writers.
    static PgTransaction begin_write(Connection& db) { return PgTransaction(db); }
    // REPEATABLE READ: one consistent snapshot across the statements.
    static PgTransaction begin_read(Connection& db) {
        return PgTransaction(db, PgTransaction::Isolation::RepeatableRead);
    }
};

class PgStore final : public LockedStore<PgBackend> {
public:
    // Connects (the URL goes to libpq as is), refuses foreign or newer
    // databases without writing, then migrates. Throws StoreError.
    PgStore(const std::string& url, const OpenOptions& options);

    int schema_version() override;
    std::string integrity_check() override;
    std::string location() const override { return connection_.location(); }

    // Re-reads the counter only when a notification arrived, this store
    // wrote, or options.change_poll_ms passed since the last read.
    std::int64_t current_generation() override;

    // The connection, for `certa store migrate` and tests.
    PgConnection& connection() { return connection_; }

private:
    // Inside a write: bumps the generation, queues NOTIFY, returns the value.
    std::int64_t next_generation() override;

    std::optional<PgNotifier> notifier_;
    std::chrono::milliseconds poll_interval_;
    std::chrono::steady_clock::time_point last_read_{};
    std::int64_t cached_generation_ = 0;
};

}  // namespace certa::storage::pg

namespace certa::storage {
extern template class LockedStore<pg::PgBackend>;
}  // namespace certa::storage
