// sql::Connection over one SqliteConnection. Every Query is prepared once per
// connection and kept (keyed by Query::id), so the table layer's statements
// are compiled once and only reset and re-bound on later calls.
#pragma once

#include "storage/sql/Connection.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/sqlite/SqliteStatement.hpp"

#include <memory>
#include <unordered_map>

namespace certa::storage {

class SqliteSession final : public sql::Connection {
public:
    SqliteSession(const std::string& path, bool read_only, int busy_timeout_ms)
        : connection_(path, read_only, busy_timeout_ms) {}

    const sql::Dialect& dialect() const override { return sql::sqlite_dialect(); }
    std::string location() const override { return connection_.path(); }
    sql::Rows query(const sql::Query& query, std::span<const sql::Value> params) override;
    std::int64_t exec(const sql::Query& query, std::span<const sql::Value> params) override;
    void exec_batch(const sql::Query& query, std::span<const sql::Value> params, std::size_t width) override;
    void exec_script(const std::string& sql) override { connection_.exec(sql.c_str()); }
    void begin(sql::TxMode mode) override;
    void commit() override { connection_.exec("COMMIT"); }
    void rollback() noexcept override;

    SqliteConnection& raw() { return connection_; }

private:
    // The cached statement for `query`, reset and bound to `params`.
    SqliteStatement& prepared(const sql::Query& query, std::span<const sql::Value> params);

    SqliteConnection connection_;
    // Declared after the connection: finalized before it closes.
    std::unordered_map<std::size_t, std::unique_ptr<SqliteStatement>> statements_;
};

}  // namespace certa::storage
