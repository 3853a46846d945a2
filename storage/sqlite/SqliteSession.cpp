#include "storage/sqlite/SqliteSession.hpp"

namespace certa::storage {

namespace {

// Rows of a cached statement; resetting it when done releases the read
// snapshot a stepped statement would otherwise pin.
class StatementRows final : public sql::RowSource {
public:
    explicit StatementRows(SqliteStatement& stmt) : stmt_(stmt) {}
    ~StatementRows() override { stmt_.reset(); }
    bool next() override { return stmt_.step(); }
    std::int64_t int64(int column) const override { return stmt_.int64(column); }
    std::string text(int column) const override { return stmt_.text(column); }
    bool boolean(int column) const override { return stmt_.int64(column) != 0; }
    bool is_null(int column) const override { return stmt_.is_null(column); }

private:
    SqliteStatement& stmt_;
};

void bind(SqliteStatement& stmt, std::span<const sql::Value> params) {
    int index = 0;
    for (const auto& param : params) {
        ++index;
        if (const auto* number = std::get_if<std::int64_t>(&param)) stmt.bind(index, *number);
        else if (const auto* text = std::get_if<std::string_view>(&param)) stmt.bind(index, *text);
        else stmt.bind_null(index);
    }
}

}  // namespace

SqliteStatement& SqliteSession::prepared(const sql::Query& query, std::span<const sql::Value> params) {
    auto& slot = statements_[query.id()];
    if (!slot) slot = std::make_unique<SqliteStatement>(connection_, query.text(sql::DialectKind::Sqlite));
    slot->reset();
    bind(*slot, params);
    return *slot;
}

sql::Rows SqliteSession::query(const sql::Query& query, std::span<const sql::Value> params) {
    return sql::Rows(std::make_unique<StatementRows>(prepared(query, params)));
}

std::int64_t SqliteSession::exec(const sql::Query& query, std::span<const sql::Value> params) {
    SqliteStatement& stmt = prepared(query, params);
    try {
        stmt.run();
    } catch (...) {
        stmt.reset();
        throw;
    }
    stmt.reset();
    return connection_.changes();
}

// In-process: one cached statement re-bound per row is as fast as it gets.
void SqliteSession::exec_batch(const sql::Query& query, std::span<const sql::Value> params, std::size_t width) {
    for (std::size_t offset = 0; offset + width <= params.size(); offset += width)
        exec(query, params.subspan(offset, width));
}

// IMMEDIATE takes the write lock up front, so the busy timeout applies and no
// read-to-write upgrade can fail; DEFERRED gives reads one snapshot.
void SqliteSession::begin(sql::TxMode mode) {
    connection_.exec(mode == sql::TxMode::Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

void SqliteSession::rollback() noexcept {
    try {
        connection_.exec("ROLLBACK");
    } catch (...) {  // SQLite may already have rolled back (e.g. after SQLITE_FULL)
    }
}

}  // namespace certa::storage
