// sql::Connection over one PgConnection: parameters travel as text, and a
// batch is sent in pipeline mode (one round trip per chunk of statements).
#pragma once

#include "storage/pg/PgConnection.hpp"
#include "storage/sql/Connection.hpp"

#include <optional>

namespace certa::storage::pg {

class PgSession final : public sql::Connection {
public:
    explicit PgSession(const std::string& conninfo) : connection_(conninfo) {}

    const sql::Dialect& dialect() const override { return sql::postgres_dialect(); }
    std::string location() const override { return connection_.location(); }
    sql::Rows query(const sql::Query& query, std::span<const sql::Value> params) override;
    std::int64_t exec(const sql::Query& query, std::span<const sql::Value> params) override;
    void exec_batch(const sql::Query& query, std::span<const sql::Value> params, std::size_t width) override;
    void exec_script(const std::string& sql) override { connection_.exec_script(sql); }
    void begin(sql::TxMode mode) override;
    void commit() override;
    void rollback() noexcept override { transaction_.reset(); }

    PgConnection& raw() { return connection_; }

private:
    PgConnection connection_;
    std::optional<PgTransaction> transaction_;
};

}  // namespace certa::storage::pg
