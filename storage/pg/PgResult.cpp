#include "storage/pg/PgResult.hpp"

#include "storage/StoreError.hpp"

#include <charconv>
#include <cstring>

namespace certa::storage::pg {

void PgResult::check(int row, int column) const {
    if (row < 0 || row >= rows() || column < 0 || column >= PQnfields(result_.get()))
        throw StoreError(StoreError::Kind::Corrupt, "PostgreSQL result has no row " + std::to_string(row) +
                                                        " column " + std::to_string(column));
}

bool PgResult::is_null(int row, int column) const {
    check(row, column);
    return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::text(int row, int column) const {
    check(row, column);
    return std::string(PQgetvalue(result_.get(), row, column),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t PgResult::int64(int row, int column) const {
    if (is_null(row, column)) return 0;
    const char* value = PQgetvalue(result_.get(), row, column);
    const char* end = value + std::strlen(value);
    std::int64_t out = 0;
    auto [ptr, ec] = std::from_chars(value, end, out);
    if (ec != std::errc() || ptr != end)
        throw StoreError(StoreError::Kind::Corrupt, "PostgreSQL returned a non-integer where an integer belongs");
    return out;
}

std::int64_t PgResult::affected() const {
    const char* tuples = PQcmdTuples(result_.get());
    return (tuples && *tuples) ? std::stoll(tuples) : 0;
}

}  // namespace certa::storage::pg
