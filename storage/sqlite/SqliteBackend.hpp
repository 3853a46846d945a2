// The SQLite backend of TableStore: one connection per store instance (WAL
// mode lets readers run beside a writer), the file's identity checks and
// change detection through PRAGMA data_version.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Backend.hpp"
#include "storage/sqlite/SqliteSession.hpp"

#include <optional>

namespace certa::storage {

class SqliteBackend final : public sql::Backend {
public:
    // Prepares the file (0600), refuses foreign/corrupt/newer files without
    // writing to them, then migrates. Throws StoreError.
    SqliteBackend(const std::string& path, const OpenOptions& options);

    sql::Connection& connection() override { return session_; }
    int schema_version() override;
    std::string integrity_check() override;
    std::int64_t current_generation(bool wrote_locally) override;
    void interrupt() override;

private:
    void set_up(const std::string& path, const OpenOptions& options);

    SqliteSession session_;
    // Prepared once; declared after the session so it is finalized first.
    std::optional<SqliteStatement> data_version_;
    std::int64_t seen_data_version_ = -1;
    std::int64_t cached_generation_ = 0;
};

}  // namespace certa::storage
