// TableIo over a SQLite store file (one connection, one IMMEDIATE transaction
// for writes).
#pragma once

#include "storage/SqliteConnection.hpp"
#include "storage/pg/TableIo.hpp"

namespace certa::storage::pg {

class SqliteTableIo final : public TableIo {
public:
    explicit SqliteTableIo(const std::string& path) : connection_(path, false, 5000) {}
    std::string location() const override { return connection_.path(); }
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
    std::int64_t scalar(const std::string& sql);
    SqliteConnection connection_;
    bool reading_ = false;
};

}  // namespace certa::storage::pg
