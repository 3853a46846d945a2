// What differs between the SQL the two backends speak. Table code is written
// once in a portable form (see Query.hpp) and translated per dialect; DDL is
// derived from the schema description with these type names. RETURNING and
// INSERT ... ON CONFLICT are spelled the same by SQLite (3.35+) and
// PostgreSQL, so they are no dialect difference.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace certa::storage::sql {

enum class DialectKind { Sqlite, Postgres };

// The one place that turns a DialectKind into one of two per-backend values:
// every kind is named, so a third backend fails to compile (-Wswitch) here
// instead of silently taking PostgreSQL's branch everywhere.
template <typename T>
const T& pick(DialectKind kind, const T& sqlite, const T& postgres) {
    switch (kind) {
    case DialectKind::Sqlite:
        return sqlite;
    case DialectKind::Postgres:
        return postgres;
    }
    throw std::logic_error("unknown SQL dialect");
}

struct Dialect {
    DialectKind kind;
    const char* name;
    const char* integer_type;       // 64-bit integer column
    const char* id_column;          // an integer primary key the database numbers
    const char* bool_type;
    bool without_rowid;             // honour TableSchema::without_rowid
    // Substituted for {FOR_UPDATE}: locks the rows read until commit (SQLite
    // needs none: a write transaction holds the database write lock).
    const char* for_update;
    // Substituted for {ORDERED_JOIN}: a join whose loop order the planner keeps
    // (SQLite's CROSS JOIN); PostgreSQL has no such hint (and no CROSS JOIN ... ON).
    const char* ordered_join;
    // Substituted for {NEXT_LEASE_TOKEN}: the next fencing token. SQLite reads
    // the meta row (TableStore stores it back on a grant), PostgreSQL a sequence.
    const char* next_lease_token;
    bool lease_token_in_meta;
    // Substituted for {GREATEST} and {LEAST}: the scalar maximum and minimum
    // of their arguments (SQLite's max() and min(), PostgreSQL's GREATEST and LEAST).
    const char* greatest;
    const char* least;
    // Bumps the generation row and returns the new value (PostgreSQL also
    // queues the NOTIFY that PgNotifier listens for; sent on commit).
    const char* bump_generation;
    // Rows of the meta table and other objects a version-1 store starts with.
    const char* bootstrap;

    // Portable SQL (?N placeholders, {TOKENS}) in this dialect.
    std::string translate(std::string_view portable) const;
};

const Dialect& sqlite_dialect();
const Dialect& postgres_dialect();
const Dialect& dialect(DialectKind kind);

}  // namespace certa::storage::sql
