// DDL derived from the schema description (TableSchema.hpp), per dialect.
#pragma once

#include "storage/schema/TableSchema.hpp"
#include "storage/sql/Dialect.hpp"

#include <string>

namespace certa::storage::schema {

// "name TYPE NOT NULL DEFAULT ... constraint".
std::string column_definition(const Column& column, const sql::Dialect& dialect);
// CREATE TABLE with the columns present at `version`.
std::string create_table(const TableSchema& table, const sql::Dialect& dialect, int version);
// Everything that takes a store from `from` to `to` (0: an empty database):
// new tables, ALTER TABLE ADD COLUMN, new indexes, the dialect's bootstrap
// rows, then each version's data steps. One script, run in the caller's
// transaction.
std::string migration_script(const sql::Dialect& dialect, int from, int to);

}  // namespace certa::storage::schema
