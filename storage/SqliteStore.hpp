// The SQLite implementation of Store: one connection per instance, guarded by
// a mutex so one SqliteStore may be shared by threads. Processes (and
// handshake agents) open their own. WAL mode lets readers run beside a writer.
#pragma once

#include "storage/AccountTable.hpp"
#include "storage/CertificateTable.hpp"
#include "storage/ChallengeTable.hpp"
#include "storage/EventTable.hpp"
#include "storage/IssuanceRequestTable.hpp"
#include "storage/LeaseTable.hpp"
#include "storage/LockedStore.hpp"
#include "storage/OnDemandRuleTable.hpp"
#include "storage/ServingAgentTable.hpp"
#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"
#include "storage/SqliteTransaction.hpp"

#include <optional>

namespace certa::storage {

// The SQLite side of LockedStore.
struct SqliteBackend {
    using Connection = SqliteConnection;
    using Accounts = AccountTable;
    using Certificates = CertificateTable;
    using Challenges = ChallengeTable;
    using Leases = LeaseTable;
    using IssuanceRequests = IssuanceRequestTable;
    using Events = EventTable;
    using OnDemandRules = OnDemandRuleTable;
    using ServingAgents = ServingAgentTable;
    // IMMEDIATE takes the write lock up front, so the busy timeout applies.
    static SqliteTransaction begin_write(Connection& db) { return {db, SqliteTransaction::Mode::Immediate}; }
    static SqliteTransaction begin_read(Connection& db) { return {db, SqliteTransaction::Mode::Deferred}; }
};

class SqliteStore final : public LockedStore<SqliteBackend> {
public:
    // Prepares the file (0600), refuses foreign/corrupt/newer files without
    // writing to them, then migrates. Throws StoreError.
    SqliteStore(const std::string& path, const OpenOptions& options);

    int schema_version() override;
    std::string integrity_check() override;
    std::string location() const override { return connection_.path(); }

    std::int64_t current_generation() override;

private:
    void set_up(const std::string& path, const OpenOptions& options);
    std::int64_t next_generation() override;
    std::int64_t read_generation();

    // Change detection (see current_generation). The statement is prepared
    // once; as a member of the derived class it is finalized before the
    // connection (a base member) closes.
    std::optional<SqliteStatement> data_version_;
    std::int64_t seen_data_version_ = -1;
    std::int64_t cached_generation_ = 0;
};

extern template class LockedStore<SqliteBackend>;

}  // namespace certa::storage
