// One SQL statement written once in portable form: ?N placeholders (1-based)
// and the {TOKENS} of Dialect. Its text for each dialect is built when the
// Query is constructed; table code keeps its queries in function-local
// statics, so hot paths never build SQL. The id keys prepared-statement caches.
#pragma once

#include "storage/sql/Dialect.hpp"

#include <cstddef>
#include <string>

namespace certa::storage::sql {

class Query {
public:
    explicit Query(std::string portable);
    const std::string& text(DialectKind kind) const { return pick(kind, sqlite_, postgres_); }
    std::size_t id() const { return id_; }

private:
    std::string sqlite_;
    std::string postgres_;
    std::size_t id_;
};

}  // namespace certa::storage::sql
