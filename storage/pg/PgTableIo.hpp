// TableIo over a PostgreSQL store (one connection, one transaction for writes).
#pragma once

#include "storage/pg/PgConnection.hpp"
#include "storage/pg/TableIo.hpp"

namespace certa::storage::pg {

class PgTableIo final : public TableIo {
public:
    explicit PgTableIo(const std::string& url) : connection_(url) {}
    std::string location() const override { return connection_.location(); }
    int schema_version() override;
    std::vector<Row> read(const TableSpec& table) override;
    std::int64_t count(const TableSpec& table) override;
    StoreCounters counters() override;
    void begin() override;
    void insert(const TableSpec& table, const Row& row) override;
    void set_replaced_by(std::int64_t id, std::int64_t replaced_by) override;
    void finish(const StoreCounters& counters) override;
    void commit() override;

private:
    PgConnection connection_;
    std::optional<PgTransaction> tx_;
};

}  // namespace certa::storage::pg
