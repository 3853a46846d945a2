#include "storage/pg/SqliteTableIo.hpp"

#include "storage/Migrations.hpp"
#include "storage/SqliteStatement.hpp"

namespace certa::storage::pg {

std::int64_t SqliteTableIo::scalar(const std::string& sql) {
    SqliteStatement stmt(connection_, sql);
    return stmt.step() ? stmt.int64(0) : 0;
}

int SqliteTableIo::schema_version() { return read_schema_version(connection_); }

std::vector<Row> SqliteTableIo::read(const TableSpec& table) {
    // One read transaction: every table comes from the same snapshot.
    if (!reading_) connection_.exec("BEGIN");
    reading_ = true;
    SqliteStatement stmt(connection_, "SELECT " + column_list(table) + " FROM " + table.name + " ORDER BY " +
                                          table.order_by);
    std::vector<Row> rows;
    while (stmt.step()) {
        Row row;
        for (int c = 0; c < static_cast<int>(table.columns.size()); ++c)
            row.push_back(stmt.is_null(c) ? Cell{} : Cell{stmt.text(c)});
        rows.push_back(std::move(row));
    }
    return rows;
}

std::int64_t SqliteTableIo::count(const TableSpec& table) {
    return scalar(std::string("SELECT count(*) FROM ") + table.name);
}

StoreCounters SqliteTableIo::counters() {
    return {scalar("SELECT value FROM meta WHERE key = 'generation'"),
            scalar("SELECT value FROM meta WHERE key = 'lease_token'")};
}

void SqliteTableIo::begin() { connection_.exec("BEGIN IMMEDIATE"); }

void SqliteTableIo::insert(const TableSpec& table, const Row& row) {
    std::string placeholders;
    for (std::size_t i = 1; i <= table.columns.size(); ++i) placeholders += (i > 1 ? ", ?" : "?");
    SqliteStatement stmt(connection_, std::string("INSERT INTO ") + table.name + "(" + column_list(table) +
                                          ") VALUES (" + placeholders + ")");
    for (std::size_t i = 0; i < row.size(); ++i) {
        int index = static_cast<int>(i) + 1;
        if (!row[i]) stmt.bind_null(index);
        else if (table.columns[i].integer) stmt.bind(index, static_cast<std::int64_t>(std::stoll(*row[i])));
        else stmt.bind(index, std::string_view(*row[i]));
    }
    stmt.run();
}

void SqliteTableIo::set_replaced_by(std::int64_t id, std::int64_t replaced_by) {
    SqliteStatement stmt(connection_, "UPDATE certificates SET replaced_by = ?2 WHERE id = ?1");
    stmt.bind_all(id, replaced_by);
    stmt.run();
}

void SqliteTableIo::finish(const StoreCounters& counters) {
    SqliteStatement stmt(connection_, "UPDATE meta SET value = CASE key WHEN 'generation' THEN ?1 ELSE ?2 END"
                                      " WHERE key IN ('generation', 'lease_token')");
    stmt.bind_all(counters.generation, counters.lease_token);
    stmt.run();
}

void SqliteTableIo::commit() {
    connection_.exec("COMMIT");
    reading_ = false;
}

}  // namespace certa::storage::pg
