// The one description of the store's tables. DDL for each dialect
// (SchemaDdl), the SELECT column lists and row mapping (RowMap) and the table
// list of `certa store migrate` (copy/TableCopy) are all derived from it.
// `since` is the schema version a table, column or index appeared in; a
// store at version N has exactly the parts with since <= N.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace certa::storage::schema {

// The latest schema version, the same for both backends (version N means the
// same tables and columns in both: `certa store migrate` relies on it).
constexpr int kLatestVersion = 10;

enum class ColumnType {
    Id,     // integer primary key numbered by the database
    Int64,
    Text,
    Bool,
};

struct Column {
    const char* name;
    ColumnType type;
    int since = 1;
    bool not_null = true;
    const char* default_sql = nullptr;  // portable SQL literal
    const char* constraint = nullptr;   // PRIMARY KEY, UNIQUE, CHECK (...), REFERENCES ... (portable)
};

struct Index {
    const char* name;
    const char* columns;  // portable SQL: column names or (expressions)
    int since = 1;
};

struct TableSchema {
    const char* name;
    int since;
    std::vector<Column> columns;
    const char* table_constraints = nullptr;  // e.g. "PRIMARY KEY (a, b), UNIQUE (a, c)"
    std::vector<Index> indexes = {};
    bool without_rowid = false;               // SQLite storage hint
    // Copied by `certa store migrate`, in this order (the primary key).
    const char* copy_order = nullptr;

    const Column& column(std::string_view name) const;
    // Columns present at `version`, in storage order.
    std::vector<const Column*> columns_at(int version) const;
};

// Every table, parents before children.
const std::vector<TableSchema>& tables();
const TableSchema& table(std::string_view name);

}  // namespace certa::storage::schema
