// Left-aligned plain-text table for human output (`certa list`).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace certa::cli {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> headers);
    void add_row(std::vector<std::string> cells);
    // Columns separated by two spaces; empty cells shown as "-".
    void print(std::ostream& out) const;

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace certa::cli
