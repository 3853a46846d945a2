#include "storage/sqlite/SqliteStatement.hpp"

#include "storage/sqlite/SqliteConnection.hpp"

#include <sqlite3.h>

namespace certa::storage {

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

SqliteStatement::SqliteStatement(SqliteConnection& connection, std::string_view sql) : connection_(connection) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(connection.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    stmt_.reset(raw);
    if (rc != SQLITE_OK) connection_.fail(rc, "cannot prepare statement");
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_.get(), index, value);
    if (rc != SQLITE_OK) connection_.fail(rc, "cannot bind parameter");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
    // SQLITE_TRANSIENT: SQLite copies, so temporaries may be bound.
    int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) connection_.fail(rc, "cannot bind parameter");
    return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_.get(), index);
    if (rc != SQLITE_OK) connection_.fail(rc, "cannot bind parameter");
    return *this;
}

bool SqliteStatement::step() {
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    connection_.fail(rc, "statement failed");
}

void SqliteStatement::run() {
    while (step()) {
    }
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::int64_t SqliteStatement::int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string SqliteStatement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    if (!data) return {};
    return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

}  // namespace certa::storage
