// The backend-neutral connection the table layer is written against: typed
// parameters, a row cursor, transactions and batches. SqliteSession and
// PgSession implement it. Not thread-safe: TableStore serialises access.
#pragma once

#include "storage/sql/Dialect.hpp"
#include "storage/sql/Query.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace certa::storage::sql {

// A parameter: NULL, an integer (bools as 0/1) or text. Text is viewed: the
// caller keeps it alive for the call.
using Value = std::variant<std::nullptr_t, std::int64_t, std::string_view>;

template <typename T>
Value value(const T& v) {
    if constexpr (std::is_same_v<T, Value>) return v;
    else if constexpr (std::is_same_v<T, std::nullptr_t>) return nullptr;
    else if constexpr (std::is_convertible_v<const T&, std::string_view>) return std::string_view(v);
    else return static_cast<std::int64_t>(v);
}

// NULL for 0 (an id that refers to no row), else the id.
inline Value id_or_null(std::int64_t id) { return id == 0 ? Value(nullptr) : Value(id); }

// What a backend's cursor offers; columns are 0-based.
class RowSource {
public:
    virtual ~RowSource() = default;
    virtual bool next() = 0;
    virtual std::int64_t int64(int column) const = 0;
    virtual std::string text(int column) const = 0;
    virtual bool boolean(int column) const = 0;
    virtual bool is_null(int column) const = 0;
};

// The rows of one query; `while (rows.next())`. Releases the statement (and
// with it any read snapshot it pinned) when destroyed.
class Rows {
public:
    explicit Rows(std::unique_ptr<RowSource> source) : source_(std::move(source)) {}
    bool next() { return source_->next(); }
    std::int64_t int64(int column) const { return source_->int64(column); }
    std::string text(int column) const { return source_->text(column); }
    bool boolean(int column) const { return source_->boolean(column); }
    bool is_null(int column) const { return source_->is_null(column); }

private:
    std::unique_ptr<RowSource> source_;
};

enum class TxMode {
    Read,   // one consistent snapshot (SQLite DEFERRED, PG REPEATABLE READ)
    Write,  // writers serialised (SQLite IMMEDIATE, PG READ COMMITTED + row locks)
};

class Connection {
public:
    virtual ~Connection() = default;
    virtual const Dialect& dialect() const = 0;
    // Where the connection points, for messages (never carries a password).
    virtual std::string location() const = 0;

    virtual Rows query(const Query& query, std::span<const Value> params) = 0;
    // Runs a statement without result rows; returns how many rows it changed.
    virtual std::int64_t exec(const Query& query, std::span<const Value> params) = 0;
    // Runs `query` once per row of `params` (`width` values each), in one
    // round trip where the backend has round trips (PostgreSQL pipeline).
    virtual void exec_batch(const Query& query, std::span<const Value> params, std::size_t width) = 0;
    // Unparameterised statements separated by ';' (DDL).
    virtual void exec_script(const std::string& sql) = 0;

    virtual void begin(TxMode mode) = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    template <typename... Args>
    Rows rows(const Query& q, const Args&... args) {
        const Value values[] = {value(args)..., Value(nullptr)};
        return query(q, std::span<const Value>(values, sizeof...(Args)));
    }
    template <typename... Args>
    std::int64_t run(const Query& q, const Args&... args) {
        const Value values[] = {value(args)..., Value(nullptr)};
        return exec(q, std::span<const Value>(values, sizeof...(Args)));
    }
};

// BEGIN ... COMMIT; rolls back when destroyed uncommitted (an exception).
class Transaction {
public:
    Transaction(Connection& connection, TxMode mode) : connection_(connection) { connection_.begin(mode); }
    ~Transaction() {
        if (!done_) connection_.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        connection_.commit();
        done_ = true;
    }

private:
    Connection& connection_;
    bool done_ = false;
};

}  // namespace certa::storage::sql
