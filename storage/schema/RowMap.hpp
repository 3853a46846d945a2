// The mapping of a table's columns onto a struct of StoreTypes.hpp: a field
// per column, named as in the schema description (checked against it when
// the map is built), so the SELECT list and the row reader come from one list.
#pragma once

#include "storage/schema/TableSchema.hpp"
#include "storage/sql/Connection.hpp"

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace certa::storage::schema {

template <auto Member>
struct MemberOf;
template <typename C, typename M, M C::*P>
struct MemberOf<P> {
    using Class = C;
    using Type = M;
};

template <typename Row>
class RowMap {
public:
    using Reader = void (*)(Row&, const sql::Rows&, int);
    struct Field {
        const char* column;
        Reader read;
    };

    // `alias` prefixes every column in the SELECT list ("c" -> "c.id, ...").
    RowMap(const char* table, std::vector<Field> fields, const char* alias = nullptr) : fields_(std::move(fields)) {
        const TableSchema& schema = schema::table(table);
        select_ = "SELECT ";
        std::string prefix = alias ? std::string(alias) + "." : "";
        for (std::size_t i = 0; i < fields_.size(); ++i)
            select_ += (i ? ", " : "") + prefix + schema.column(fields_[i].column).name;
        select_ += std::string(" FROM ") + table + (alias ? std::string(" ") + alias : "") + " ";
    }

    // "SELECT <columns> FROM <table> [alias] ".
    const std::string& select() const { return select_; }
    Row read(const sql::Rows& rows) const {
        Row row;
        for (std::size_t i = 0; i < fields_.size(); ++i) fields_[i].read(row, rows, static_cast<int>(i));
        return row;
    }
    std::optional<Row> read_first(sql::Rows rows) const {
        if (!rows.next()) return std::nullopt;
        return read(rows);
    }
    std::vector<Row> read_all(sql::Rows rows) const {
        std::vector<Row> out;
        while (rows.next()) out.push_back(read(rows));
        return out;
    }

private:
    std::vector<Field> fields_;
    std::string select_;
};

// A field read straight into a member (text, bool or an integer type).
template <auto Member>
typename RowMap<typename MemberOf<Member>::Class>::Field field(const char* column) {
    using Row = typename MemberOf<Member>::Class;
    using Type = typename MemberOf<Member>::Type;
    return {column, [](Row& row, const sql::Rows& rows, int c) {
                if constexpr (std::is_same_v<Type, std::string>) row.*Member = rows.text(c);
                else if constexpr (std::is_same_v<Type, bool>) row.*Member = rows.boolean(c);
                else row.*Member = static_cast<Type>(rows.int64(c));
            }};
}

}  // namespace certa::storage::schema
