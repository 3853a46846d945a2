// The PostgreSQL backend of TableStore, for a fleet sharing one database: one
// connection per store instance, schema identity checks, and change
// detection through LISTEN/NOTIFY (writers notify in the same statement that
// bumps the generation: Dialect::bump_generation) plus a poll interval.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/pg/PgNotifier.hpp"
#include "storage/pg/PgSession.hpp"
#include "storage/sql/Backend.hpp"

#include <chrono>
#include <optional>

namespace certa::storage::pg {

class PgBackend final : public sql::Backend {
public:
    // Connects (the URL goes to libpq as is), refuses foreign or newer
    // databases without writing, then migrates. Throws StoreError.
    PgBackend(const std::string& url, const OpenOptions& options);

    sql::Connection& connection() override { return session_; }
    int schema_version() override;
    std::string integrity_check() override;
    // Re-reads the counter only when a notification arrived, this store
    // wrote, or options.change_poll_ms passed since the last read.
    std::int64_t current_generation(bool wrote_locally) override;
    void interrupt() override { session_.raw().cancel_running(); }

private:
    PgSession session_;
    std::optional<PgNotifier> notifier_;
    std::chrono::milliseconds poll_interval_;
    std::chrono::steady_clock::time_point last_read_{};
    std::int64_t cached_generation_ = 0;
};

}  // namespace certa::storage::pg
