// See NameNormalizer.hpp. Kept allocation-free apart from the output string:
// the agent runs normalize_server_name on every ClientHello.
#include "storage/names/NameNormalizer.hpp"

#include "storage/names/NameError.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdio>
#include <cstring>

namespace certa::storage {
namespace {

// Anything longer cannot become a valid name even after trimming; refusing
// it first keeps hostile input from costing more than a length check.
constexpr std::size_t kMaxRawLength = 1024;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

NameProblem check_label(std::string_view label) {
    if (label.empty()) return NameProblem::EmptyLabel;
    if (label.size() > kMaxLabelLength) return NameProblem::LabelTooLong;
    for (char c : label) {
        if (c == '*') return NameProblem::MisplacedWildcard;
        if (!is_label_char(c)) return NameProblem::BadCharacter;
    }
    if (label.front() == '-' || label.back() == '-') return NameProblem::HyphenAtEdge;
    return NameProblem::None;
}

// Checks the labels of `name` (trimmed, without its trailing dot).
NameProblem check_dns(std::string_view name, bool allow_wildcard) {
    if (name.size() > kMaxDnsNameLength) return NameProblem::TooLong;
    std::size_t labels = 0;
    bool wildcard = false;
    for (std::size_t start = 0;;) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string_view::npos) dot = name.size();
        const std::string_view label = name.substr(start, dot - start);
        if (labels == 0 && label == "*") {
            if (!allow_wildcard) return NameProblem::WildcardNotAllowed;
            wildcard = true;
        } else if (NameProblem p = check_label(label); p != NameProblem::None) {
            return p;
        }
        ++labels;
        if (dot == name.size()) break;
        start = dot + 1;
    }
    if (wildcard && labels < 3) return NameProblem::WildcardTooBroad;
    return NameProblem::None;
}

// inet_pton on a view, through a stack buffer (no allocation).
bool canonical_ip_into(std::string_view text, std::string& out) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    std::array<char, INET6_ADDRSTRLEN + 1> z{};
    if (text.empty() || text.size() >= z.size()) return false;
    std::memcpy(z.data(), text.data(), text.size());
    std::array<char, INET6_ADDRSTRLEN> buf{};
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, z.data(), &v4) == 1) {
        if (!inet_ntop(AF_INET, &v4, buf.data(), buf.size())) return false;
    } else if (inet_pton(AF_INET6, z.data(), &v6) == 1) {
        if (IN6_IS_ADDR_V4MAPPED(&v6)) {
            std::memcpy(&v4, &v6.s6_addr[12], 4);
            if (!inet_ntop(AF_INET, &v4, buf.data(), buf.size())) return false;
        } else if (!inet_ntop(AF_INET6, &v6, buf.data(), buf.size())) {
            return false;
        }
    } else {
        return false;
    }
    out.assign(buf.data());
    return true;
}

}  // namespace

NameProblem normalize_name(std::string_view raw, const NameRules& rules, NormalizedName& out) {
    if (raw.size() > kMaxRawLength) return NameProblem::TooLong;
    std::string_view s = rules.spaces == NameRules::Spaces::Trimmed ? trim(raw) : raw;
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.empty()) return NameProblem::Empty;
    if (canonical_ip_into(s, out.name)) {
        out.kind = NormalizedName::Kind::Ip;
        return NameProblem::None;
    }
    if (NameProblem p = check_dns(s, rules.allow_wildcard); p != NameProblem::None) return p;
    out.name.assign(s);
    for (char& c : out.name) c = lower(c);
    out.kind = NormalizedName::Kind::Dns;
    return NameProblem::None;
}

std::optional<NormalizedName> normalize_server_name(std::string_view raw) {
    NormalizedName out;
    if (normalize_name(raw, NameRules{}, out) != NameProblem::None) return std::nullopt;
    return out;
}

std::optional<std::string> normalize_index_name(std::string_view raw) {
    NormalizedName out;
    if (normalize_name(raw, NameRules{.allow_wildcard = true}, out) != NameProblem::None) return std::nullopt;
    return std::move(out.name);
}

NormalizedName validate_name(std::string_view raw, const NameRules& rules) {
    NormalizedName out;
    if (NameProblem p = normalize_name(raw, rules, out); p != NameProblem::None)
        throw NameError("invalid name '" + printable_name(raw.substr(0, 300)) + "': " + describe(p));
    return out;
}

std::string canonical_identifier(std::string_view name) {
    NormalizedName out;
    if (normalize_name(name, NameRules{.allow_wildcard = true}, out) == NameProblem::None) return std::move(out.name);
    std::string text(name);
    for (char& c : text) c = lower(c);
    return text;
}

std::optional<std::string> canonical_ip(std::string_view text) {
    std::string out;
    if (!canonical_ip_into(text, out)) return std::nullopt;
    return out;
}

std::string printable_name(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out;
}

const char* describe(NameProblem problem) {
    switch (problem) {
        case NameProblem::None: return "valid";
        case NameProblem::Empty: return "empty";
        case NameProblem::TooLong: return "longer than 253 characters";
        case NameProblem::EmptyLabel: return "an empty label (two dots in a row, or a leading dot)";
        case NameProblem::LabelTooLong: return "a label longer than 63 characters";
        case NameProblem::BadCharacter: return "a character other than letters, digits, '-' and '_'";
        case NameProblem::HyphenAtEdge: return "a label starts or ends with '-'";
        case NameProblem::WildcardNotAllowed: return "a wildcard is not allowed here";
        case NameProblem::MisplacedWildcard: return "'*' is allowed only as the whole left-most label";
        case NameProblem::WildcardTooBroad: return "a wildcard needs at least two labels after '*.'";
    }
    return "invalid";
}

std::string covering_wildcard(std::string_view name) {
    std::size_t dot = name.find('.');
    if (dot == std::string_view::npos || dot + 1 >= name.size()) return {};
    std::string out = "*";
    out.append(name.substr(dot));
    return out;
}

}  // namespace certa::storage
