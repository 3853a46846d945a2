#include "storage/pg/PgTableIo.hpp"

#include "storage/pg/PgMigrations.hpp"

namespace certa::storage::pg {

int PgTableIo::schema_version() { return read_pg_schema_version(connection_); }

std::vector<Row> PgTableIo::read(const TableSpec& table) {
    // REPEATABLE READ: every table is read from the same snapshot.
    if (!tx_) tx_.emplace(connection_, PgTransaction::Isolation::RepeatableRead);
    auto result = connection_.exec("SELECT " + column_list(table) + " FROM " + table.name + " ORDER BY " +
                                   table.order_by);
    std::vector<Row> rows;
    for (int i = 0; i < result.rows(); ++i) {
        Row row;
        for (int c = 0; c < static_cast<int>(table.columns.size()); ++c)
            if (result.is_null(i, c)) row.push_back(Cell{});
            else if (table.columns[c].boolean) row.push_back(Cell{result.text(i, c) == "t" ? "1" : "0"});
            else row.push_back(Cell{result.text(i, c)});
        rows.push_back(std::move(row));
    }
    return rows;
}

std::int64_t PgTableIo::count(const TableSpec& table) {
    return connection_.exec(std::string("SELECT count(*) FROM ") + table.name).int64(0, 0);
}

StoreCounters PgTableIo::counters() {
    StoreCounters out;
    out.generation = connection_.exec("SELECT value FROM meta WHERE key = 'generation'").int64(0, 0);
    // last_value is the next token to hand out until the sequence was first used.
    out.lease_token =
        connection_.exec("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM lease_tokens")
            .int64(0, 0);
    return out;
}

void PgTableIo::begin() { tx_.emplace(connection_); }

void PgTableIo::insert(const TableSpec& table, const Row& row) {
    std::string placeholders;
    for (std::size_t i = 1; i <= table.columns.size(); ++i)
        placeholders += (i > 1 ? ", $" : "$") + std::to_string(i);
    // replaced_by is filled in by set_replaced_by once every row exists.
    connection_.exec(std::string("INSERT INTO ") + table.name + "(" + column_list(table) + ") VALUES (" +
                         placeholders + ")",
                     row);
}

void PgTableIo::set_replaced_by(std::int64_t id, std::int64_t replaced_by) {
    connection_.query("UPDATE certificates SET replaced_by = $2 WHERE id = $1", id, replaced_by);
}

void PgTableIo::finish(const StoreCounters& counters) {
    connection_.query("UPDATE meta SET value = $1 WHERE key = 'generation'", counters.generation);
    if (counters.lease_token > 0)
        connection_.query("SELECT setval('lease_tokens', $1)", counters.lease_token);
    else
        connection_.exec("SELECT setval('lease_tokens', 1, false)");
    // Identity columns: the next generated id follows the copied ones.
    for (const char* table : {"accounts", "certificates", "challenges", "events"})
        connection_.exec(std::string("SELECT setval(pg_get_serial_sequence('") + table + "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table);
}

void PgTableIo::commit() {
    if (tx_) tx_->commit();
    tx_.reset();
}

}  // namespace certa::storage::pg
