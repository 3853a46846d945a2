// RAII owner of one prepared sqlite3_stmt with typed binds and column reads.
// Parameters are 1-based, columns 0-based (as in SQLite's C API).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

struct sqlite3_stmt;

namespace certa::storage {

class SqliteConnection;

class SqliteStatement {
public:
    SqliteStatement(SqliteConnection& connection, std::string_view sql);
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind_null(int index);

    // Binds every argument in order starting at parameter 1.
    template <typename... Args>
    SqliteStatement& bind_all(const Args&... args) {
        int index = 0;
        (bind_one(++index, args), ...);
        return *this;
    }

    // Advances: true when a row is available, false when done. Throws StoreError.
    bool step();
    // Runs a statement that returns no rows (or ignores them).
    void run();
    void reset();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    bool is_null(int column) const;

private:
    template <typename T>
    void bind_one(int index, const T& value) {
        if constexpr (std::is_convertible_v<const T&, std::string_view>) bind(index, std::string_view(value));
        else bind(index, static_cast<std::int64_t>(value));
    }

    struct Finalizer {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };
    SqliteConnection& connection_;
    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// The first of the rows a query returned, if any.
template <typename Row>
std::optional<Row> first_row(std::vector<Row> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

}  // namespace certa::storage
