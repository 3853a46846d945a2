#include "cli/metrics/RenewalErrorClass.hpp"

#include <cctype>

namespace certa::cli {

namespace {

constexpr std::string_view kAcmeProblem = "urn:ietf:params:acme:error:";
constexpr std::size_t kMaxClass = 48;

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
    for (auto prefix : prefixes)
        if (text.substr(0, prefix.size()) == prefix) return true;
    return false;
}

}  // namespace

std::string renewal_error_class(std::string_view last_error) {
    if (last_error.empty()) return "none";
    if (auto at = last_error.find(kAcmeProblem); at != std::string_view::npos) {
        std::string type;
        for (std::size_t i = at + kAcmeProblem.size(); i < last_error.size() && type.size() < kMaxClass; ++i) {
            const unsigned char c = static_cast<unsigned char>(last_error[i]);
            if (!std::isalnum(c)) break;
            type += static_cast<char>(c);
        }
        if (!type.empty()) return type;
    }
    // The messages acme/ records (HttpError, Deployer).
    if (last_error.find("cannot reach CA at ") != std::string_view::npos) return "network";
    if (starts_with_any(last_error, {"deploy hook failed", "deploy failed", "export to ", "deployed, not live",
                                     "nginx reload failed"}))
        return "deploy";
    return "other";
}

}  // namespace certa::cli
