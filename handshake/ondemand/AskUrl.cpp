#include "handshake/ondemand/AskUrl.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace certa::handshake {

namespace {
constexpr std::string_view kRedacted = "<redacted>";

// [begin, end) of the user info ("user:pass") of `url`, or npos.
std::pair<std::size_t, std::size_t> user_info(const std::string& url) {
    const auto scheme = url.find("://");
    const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto authority_end = url.find_first_of("/?#", start);
    const auto at = url.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
    if (at == std::string::npos || at < start) return {std::string::npos, std::string::npos};
    return {start, at};
}

void replace_all(std::string& text, const std::string& secret) {
    if (secret.empty()) return;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kRedacted.size()))
        text.replace(at, secret.size(), kRedacted);
}
}  // namespace

std::string redact_ask_url(const std::string& url) {
    std::string out = url;
    if (const auto cut = out.find_first_of("?#"); cut != std::string::npos) out = out.substr(0, cut) + "?" + std::string(kRedacted);
    if (const auto [begin, end] = user_info(out); begin != std::string::npos)
        out.replace(begin, end - begin, kRedacted);
    return out;
}

std::string redact_ask_secrets(std::string text, const std::string& url) {
    std::vector<std::string> secrets;
    if (const auto cut = url.find_first_of("?#"); cut != std::string::npos && cut + 1 < url.size())
        secrets.push_back(url.substr(cut + 1));
    if (const auto [begin, end] = user_info(url); begin != std::string::npos && end > begin)
        secrets.push_back(url.substr(begin, end - begin));
    for (const auto& secret : secrets) replace_all(text, secret);
    return text;
}

}  // namespace certa::handshake
