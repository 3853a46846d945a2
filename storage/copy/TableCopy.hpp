// Raw, backend-neutral access to a store's tables for `certa store migrate`:
// the copied tables and their columns come from the schema description; rows
// travel as text cells (NULL kept, booleans as "0"/"1") and are bound back by
// each column's logical type.
#pragma once

#include "storage/schema/TableSchema.hpp"
#include "storage/sql/Backend.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace certa::storage::copy {

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

// The two counters that live outside the data tables.
struct StoreCounters {
    std::int64_t generation = 0;
    std::int64_t lease_token = 0;  // the last fencing token granted
};

// Tables `certa store migrate` copies, parents before children.
std::vector<const schema::TableSchema*> copied_tables();
// The columns copied with the rows: all but those pointing at a row of their
// own table (certificates.replaced_by points forward: set_links sets them).
std::vector<const schema::Column*> copied_columns(const schema::TableSchema& table);

class TableCopy {
public:
    explicit TableCopy(std::unique_ptr<sql::Backend> backend);
    std::string location() const { return db_.location(); }
    int schema_version() { return backend_->schema_version(); }

    // Reads run in one snapshot, from the first read until end_read.
    std::vector<Row> read(const schema::TableSchema& table);
    // certificates (id, replaced_by) where replaced_by is set.
    std::vector<std::pair<std::int64_t, std::int64_t>> links();
    std::int64_t count(const schema::TableSchema& table);
    StoreCounters counters();
    void end_read();

    // One write transaction: begin_write, insert..., finish, commit.
    void begin_write();
    void insert(const schema::TableSchema& table, const Row& row);
    void set_links(const std::vector<std::pair<std::int64_t, std::int64_t>>& links);
    // Stores the counters and, for PostgreSQL, moves identity sequences past the copied ids.
    void finish(const StoreCounters& counters);
    void commit();

private:
    std::unique_ptr<sql::Backend> backend_;
    sql::Connection& db_;
    std::optional<sql::Transaction> transaction_;
};

}  // namespace certa::storage::copy
