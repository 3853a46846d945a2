// The challenge type list (ChallengeType.hpp) and everything spelled from it.
#include "storage/ChallengeType.hpp"

#include <stdexcept>

namespace certa::storage {

const char* to_string(ChallengeType type) {
    switch (type) {
        case ChallengeType::Http01: return "http-01";
        case ChallengeType::Dns01: return "dns-01";
        case ChallengeType::TlsAlpn01: return "tls-alpn-01";
    }
    return "http-01";
}

std::optional<ChallengeType> parse_challenge_type(std::string_view text) {
    for (ChallengeType type : kChallengeTypes)
        if (text == to_string(type)) return type;
    return std::nullopt;
}

bool is_challenge_type(std::string_view text) { return parse_challenge_type(text).has_value(); }

ChallengeType challenge_type_from(const std::string& text) {
    if (auto type = parse_challenge_type(text)) return *type;
    throw std::invalid_argument(unknown_challenge_type(text));
}

bool answered_by_certa(ChallengeType type) {
    switch (type) {
        case ChallengeType::Http01:
        case ChallengeType::TlsAlpn01: return true;
        case ChallengeType::Dns01: return false;
    }
    return false;
}

std::vector<std::string> challenge_type_names(bool only_answered_by_certa) {
    std::vector<std::string> out;
    for (ChallengeType type : kChallengeTypes)
        if (!only_answered_by_certa || answered_by_certa(type)) out.emplace_back(to_string(type));
    return out;
}

std::string challenge_type_help(std::optional<ChallengeType> marked_default) {
    std::string out;
    for (std::size_t i = 0; i < kChallengeTypes.size(); ++i) {
        if (i > 0) out += i + 1 == kChallengeTypes.size() ? " or " : ", ";
        out += to_string(kChallengeTypes[i]);
        if (marked_default == kChallengeTypes[i]) out += " (default)";
    }
    return out;
}

std::string unknown_challenge_type(std::string_view text) {
    std::string names;
    for (ChallengeType type : kChallengeTypes) names += (names.empty() ? "" : ", ") + std::string(to_string(type));
    return "unknown challenge type '" + std::string(text) + "' (" + names + ")";
}

std::string challenge_type_check(std::string_view column) {
    std::string values;
    for (ChallengeType type : kChallengeTypes)
        values += (values.empty() ? "'" : ", '") + std::string(to_string(type)) + "'";
    return "CHECK (" + std::string(column) + " IN (" + values + "))";
}

}  // namespace certa::storage
