// RAII over a libpq PGresult with typed, bounds-checked accessors.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>

namespace certa::storage::pg {

struct PgResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

class PgResult {
public:
    explicit PgResult(PgResultPtr result) : result_(std::move(result)) {}
    int rows() const { return PQntuples(result_.get()); }
    bool empty() const { return rows() == 0; }
    bool is_null(int row, int column) const;
    std::string text(int row, int column) const;
    // Throws StoreError (Corrupt) when the value is not a 64-bit integer.
    std::int64_t int64(int row, int column) const;
    // Rows changed by an INSERT/UPDATE/DELETE.
    std::int64_t affected() const;
    PGresult* get() const { return result_.get(); }

private:
    void check(int row, int column) const;
    PgResultPtr result_;
};

}  // namespace certa::storage::pg
