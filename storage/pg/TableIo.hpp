// Raw, backend-neutral access to the store's tables for `certa store migrate`:
// rows travel as text cells (NULL kept) in a fixed column order that both
// backends share at the same schema version (see PgMigrations.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace certa::storage::pg {

struct ColumnSpec {
    const char* name;
    bool integer;
    bool boolean = false;  // 0/1 in SQLite, t/f in PostgreSQL; travels as "0"/"1"
};

struct TableSpec {
    const char* name;
    const char* order_by;
    std::vector<ColumnSpec> columns;
};

// "a, b, c": the table's columns in copy order.
std::string column_list(const TableSpec& table);

// Every data table of the latest schema version, parents before children.
// certificates.replaced_by is copied in a second pass (it points forward).
const std::vector<TableSpec>& copied_tables();

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

// The two counters that live outside the data tables.
struct StoreCounters {
    std::int64_t generation = 0;
    std::int64_t lease_token = 0;  // the last fencing token granted
};

class TableIo {
public:
    virtual ~TableIo() = default;
    virtual std::string location() const = 0;
    virtual int schema_version() = 0;
    virtual std::vector<Row> read(const TableSpec& table) = 0;
    virtual std::int64_t count(const TableSpec& table) = 0;
    virtual StoreCounters counters() = 0;

    // Writing happens in one transaction: begin, inserts, finish, commit.
    virtual void begin() = 0;
    virtual void insert(const TableSpec& table, const Row& row) = 0;
    virtual void set_replaced_by(std::int64_t id, std::int64_t replaced_by) = 0;
    // Stores the counters and, for PostgreSQL, moves identity sequences past the copied ids.
    virtual void finish(const StoreCounters& counters) = 0;
    virtual void commit() = 0;
};

// Opens raw table access to a store that open_store already created/migrated.
std::unique_ptr<TableIo> open_table_io(const std::string& location);

}  // namespace certa::storage::pg
