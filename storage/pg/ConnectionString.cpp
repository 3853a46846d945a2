#include "storage/pg/ConnectionString.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <regex>
#include <vector>

namespace certa::storage::pg {

namespace {

constexpr const char* kMask = "***";

struct ConninfoFree {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConninfoPtr = std::unique_ptr<PQconninfoOption, ConninfoFree>;

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

// Percent-decodes a URL component (libpq decodes the password this way).
std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The password pieces that may appear literally in a message: as written in
// the URL and as libpq parsed it.
std::vector<std::string> passwords_in(std::string_view conninfo) {
    std::vector<std::string> out;
    if (conninfo.empty()) return out;
    static const std::regex url_password(R"(://[^:/@\s]*:([^@\s/]*)@)");
    std::string text(conninfo);
    std::smatch match;
    if (std::regex_search(text, match, url_password) && match[1].length() > 0) {
        out.push_back(match[1].str());
        out.push_back(percent_decode(match[1].str()));
    }
    char* error = nullptr;
    ConninfoPtr options(PQconninfoParse(text.c_str(), &error));
    PQfreemem(error);  // the parse error itself may quote the password: never used
    for (auto* o = options.get(); o && o->keyword; ++o)
        if (std::string_view(o->keyword) == "password" && o->val && *o->val) out.emplace_back(o->val);
    return out;
}

void replace_all(std::string& text, const std::string& needle) {
    // Very short "passwords" would mask unrelated text; the patterns above
    // already cover them in their usual places.
    if (needle.size() < 3) return;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 3))
        text.replace(at, needle.size(), kMask);
}

}  // namespace

bool is_postgres_url(std::string_view location) {
    return starts_with_nocase(location, "postgresql://") || starts_with_nocase(location, "postgres://");
}

std::string redact(std::string_view text, std::string_view conninfo) {
    std::string out(text);
    for (const auto& password : passwords_in(conninfo)) replace_all(out, password);
    // scheme://user:secret@host -> scheme://user:***@host
    static const std::regex url_userinfo(R"((://[^:/@\s'"]*):[^@\s/'"]*@)");
    out = std::regex_replace(out, url_userinfo, "$1:***@");
    // password = 'quoted \' value' | password=bare (keyword/value or URL query)
    static const std::regex keyword(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&'"]*))", std::regex::icase);
    out = std::regex_replace(out, keyword, "$1***");
    return out;
}

}  // namespace certa::storage::pg
