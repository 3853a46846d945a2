#include "acme/deploy/HaproxyAnswer.hpp"

#include "storage/names/NameNormalizer.hpp"

#include <algorithm>

namespace certa::acme {

namespace {

bool is_plain_path(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

std::vector<std::string> answer_lines(std::string_view answer) {
    std::vector<std::string> lines;
    while (!answer.empty()) {
        const std::size_t end = std::min(answer.find('\n'), answer.size());
        std::string_view line = answer.substr(0, end);
        answer.remove_prefix(std::min(end + 1, answer.size()));
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) lines.emplace_back(line);
    }
    return lines;
}

std::string answer_one_line(std::string_view answer) {
    std::string out;
    for (const auto& line : answer_lines(answer)) {
        out += (out.empty() ? "" : "; ") + storage::printable_name(line.substr(0, 300));
        if (out.size() > 300) return out.substr(0, 300) + "...";
    }
    return out.empty() ? "(no answer)" : out;
}

std::optional<std::vector<std::string>> parse_path_listing(std::string_view answer) {
    std::vector<std::string> paths;
    for (auto& line : answer_lines(answer)) {
        if (line.front() == '#' || line.front() == '*') continue;  // headers, open transactions
        if (!is_plain_path(line)) return std::nullopt;
        paths.push_back(std::move(line));
    }
    return paths;
}

std::vector<std::string> parse_crt_list_entries(std::string_view answer) {
    std::vector<std::string> files;
    for (const auto& line : answer_lines(answer)) {
        if (line.front() == '#') continue;
        files.push_back(line.substr(0, line.find(' ')));
    }
    return files;
}

std::string parse_certificate_status(std::string_view answer) {
    for (const auto& line : answer_lines(answer))
        if (line.rfind("Status: ", 0) == 0) return line.substr(8);
    return {};
}

}  // namespace certa::acme
