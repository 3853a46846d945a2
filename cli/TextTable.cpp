#include "cli/TextTable.hpp"

#include <algorithm>
#include <iomanip>

namespace certa::cli {

TextTable::TextTable(std::vector<std::string> headers) { rows_.push_back(std::move(headers)); }

void TextTable::add_row(std::vector<std::string> cells) {
    cells.resize(rows_.front().size());
    for (auto& c : cells)
        if (c.empty()) c.push_back('-');
    rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream& out) const {
    std::vector<std::size_t> width(rows_.front().size(), 0);
    for (const auto& row : rows_)
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows_) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out << row[i];
            if (i + 1 < row.size()) out << std::setw(static_cast<int>(width[i] - row[i].size() + 2)) << "";
        }
        out << '\n';
    }
}

}  // namespace certa::cli
