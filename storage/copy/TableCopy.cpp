#include "storage/copy/TableCopy.hpp"

#include "storage/StoreError.hpp"

#include <string_view>

namespace certa::storage::copy {

namespace {

using schema::ColumnType;
using sql::DialectKind;

bool points_at_own_table(const schema::TableSchema& table, const schema::Column& column) {
    return column.constraint &&
           std::string_view(column.constraint).find(std::string("REFERENCES ") + table.name + "(") !=
               std::string_view::npos;
}

std::string names_of(const std::vector<const schema::Column*>& columns) {
    std::string out;
    for (const auto* column : columns) out += (out.empty() ? "" : ", ") + std::string(column->name);
    return out;
}

std::int64_t scalar(sql::Connection& db, const std::string& sql) {
    auto row = db.rows(sql::Query(sql));
    return row.next() ? row.int64(0) : 0;
}

}  // namespace

std::vector<const schema::TableSchema*> copied_tables() {
    std::vector<const schema::TableSchema*> out;
    for (const auto& table : schema::tables())
        if (table.copy_order) out.push_back(&table);
    return out;
}

std::vector<const schema::Column*> copied_columns(const schema::TableSchema& table) {
    std::vector<const schema::Column*> out;
    for (const auto& column : table.columns)
        if (!points_at_own_table(table, column)) out.push_back(&column);
    return out;
}

TableCopy::TableCopy(std::unique_ptr<sql::Backend> backend)
    : backend_(std::move(backend)), db_(backend_->connection()) {}

std::vector<Row> TableCopy::read(const schema::TableSchema& table) {
    if (!transaction_) transaction_.emplace(db_, sql::TxMode::Read);
    auto columns = copied_columns(table);
    auto rows = db_.rows(sql::Query("SELECT " + names_of(columns) + " FROM " + table.name + " ORDER BY " +
                                    table.copy_order));
    std::vector<Row> out;
    while (rows.next()) {
        Row row;
        for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
            if (rows.is_null(c)) row.push_back(Cell{});
            else if (columns[c]->type == ColumnType::Bool) row.push_back(Cell{rows.boolean(c) ? "1" : "0"});
            else row.push_back(Cell{rows.text(c)});
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> TableCopy::links() {
    auto rows = db_.rows(sql::Query("SELECT id, replaced_by FROM certificates WHERE replaced_by IS NOT NULL ORDER BY id"));
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    while (rows.next()) out.emplace_back(rows.int64(0), rows.int64(1));
    return out;
}

std::int64_t TableCopy::count(const schema::TableSchema& table) {
    return scalar(db_, std::string("SELECT count(*) FROM ") + table.name);
}

StoreCounters TableCopy::counters() {
    StoreCounters out;
    out.generation = scalar(db_, "SELECT value FROM meta WHERE key = 'generation'");
    // A PostgreSQL sequence's last_value is the next token until first used.
    out.lease_token = scalar(db_, db_.dialect().lease_token_in_meta
                                      ? "SELECT value FROM meta WHERE key = 'lease_token'"
                                      : "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
                                        " FROM lease_tokens");
    return out;
}

void TableCopy::end_read() {
    if (transaction_) transaction_->commit();
    transaction_.reset();
}

void TableCopy::begin_write() { transaction_.emplace(db_, sql::TxMode::Write); }

void TableCopy::insert(const schema::TableSchema& table, const Row& row) {
    auto columns = copied_columns(table);
    std::string placeholders;
    for (std::size_t i = 1; i <= columns.size(); ++i) placeholders += (i > 1 ? ", ?" : "?") + std::to_string(i);
    sql::Query query(std::string("INSERT INTO ") + table.name + "(" + names_of(columns) + ") VALUES (" +
                     placeholders + ")");
    std::vector<sql::Value> values;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (!row[i]) values.emplace_back(nullptr);
        else if (columns[i]->type == ColumnType::Text) values.emplace_back(std::string_view(*row[i]));
        else values.emplace_back(static_cast<std::int64_t>(std::stoll(*row[i])));
    }
    db_.exec(query, values);
}

void TableCopy::set_links(const std::vector<std::pair<std::int64_t, std::int64_t>>& links) {
    static const sql::Query q("UPDATE certificates SET replaced_by = ?2 WHERE id = ?1");
    for (const auto& [id, replaced_by] : links) db_.run(q, id, replaced_by);
}

void TableCopy::finish(const StoreCounters& counters) {
    static const sql::Query generation("UPDATE meta SET value = ?1 WHERE key = 'generation'");
    static const sql::Query lease_token("UPDATE meta SET value = ?1 WHERE key = 'lease_token'");
    static const sql::Query sequence("SELECT setval('lease_tokens', ?1)");
    db_.run(generation, counters.generation);
    if (db_.dialect().lease_token_in_meta) {
        db_.run(lease_token, counters.lease_token);
        return;
    }
    if (counters.lease_token > 0) db_.rows(sequence, counters.lease_token).next();
    else db_.exec_script("SELECT setval('lease_tokens', 1, false)");
    // Identity columns: the next generated id follows the copied ones.
    for (const auto* table : copied_tables())
        if (table->columns.front().type == ColumnType::Id)
            db_.exec_script(std::string("SELECT setval(pg_get_serial_sequence('") + table->name +
                            "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table->name);
}

void TableCopy::commit() {
    if (transaction_) transaction_->commit();
    transaction_.reset();
}

}  // namespace certa::storage::copy
