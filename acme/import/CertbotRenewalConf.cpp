#include "acme/import/CertbotRenewalConf.hpp"

#include "acme/import/ImportError.hpp"

#include <algorithm>

namespace certa::acme {

namespace {

constexpr std::string_view kSpace = " \t\r";

std::string_view trim(std::string_view s) {
    const auto b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// Parses the value part of `key = value` (ConfigObj's quoting rules, see the header).
struct ValueParser {
    std::string_view rest;
    const std::string& where;

    [[noreturn]] void fail(const std::string& why) const { throw ImportError(where + ": " + why); }

    void skip_space() {
        while (!rest.empty() && kSpace.find(rest.front()) != std::string_view::npos) rest.remove_prefix(1);
    }

    std::string item() {
        for (std::string_view quote : {"'''", "\"\"\"", "'", "\""}) {
            if (rest.substr(0, quote.size()) != quote) continue;
            const auto end = rest.find(quote, quote.size());
            if (end == std::string_view::npos) fail("unterminated quote");
            std::string text(rest.substr(quote.size(), end - quote.size()));
            rest.remove_prefix(end + quote.size());
            return text;
        }
        const auto end = rest.find_first_of(",#");
        std::string text(trim(rest.substr(0, end)));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
        return text;
    }

    ConfEntry parse() {
        ConfEntry e;
        skip_space();
        while (!rest.empty() && rest.front() != '#') {
            std::string text = item();
            skip_space();
            if (!rest.empty() && rest.front() == ',') {
                e.list = true;
                rest.remove_prefix(1);
                if (!text.empty()) e.items.push_back(std::move(text));
                skip_space();
                continue;
            }
            if (!rest.empty() && rest.front() != '#') fail("unexpected text after a value");
            if (!text.empty() || !e.list) e.items.push_back(std::move(text));
            break;
        }
        if (e.items.empty() && !e.list) e.items.emplace_back();
        return e;
    }
};

}  // namespace

std::string ConfEntry::text() const {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

const ConfEntry* CertbotRenewalConf::param_entry(std::string_view key) const {
    for (const auto& e : params)
        if (e.key == key) return &e;
    return nullptr;
}

std::optional<std::string> CertbotRenewalConf::param(std::string_view key) const {
    const ConfEntry* e = param_entry(key);
    if (!e || (!e->list && e->items.front() == "None")) return std::nullopt;
    return e->text();
}

CertbotRenewalConf CertbotRenewalConf::parse(std::string_view text, const std::string& file) {
    CertbotRenewalConf conf;
    enum class Section { Top, Params, WebrootMap, Other } section = Section::Top;
    int number = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++number;
        const std::string where = file + ":" + std::to_string(number);
        if (line.empty() || line.front() == '#') continue;
        // certbot writes none; a key or section name holding one would reach
        // certa's one-line output (import notes) as it is.
        if (std::any_of(line.begin(), line.end(), [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; }))
            throw ImportError(where + ": a control character");
        if (line.front() == '[') {
            const auto depth = line.find_first_not_of('[');
            const auto close = line.find(']');
            if (depth == std::string_view::npos || close == std::string_view::npos || close < depth)
                throw ImportError(where + ": malformed section header");
            const std::string name(trim(line.substr(depth, close - depth)));
            if (depth == 1 && name == "renewalparams") section = Section::Params;
            else if (depth == 2 && name == "webroot_map" && section != Section::Top && section != Section::Other)
                section = Section::WebrootMap;
            else {
                section = Section::Other;
                conf.other_sections.push_back(std::string(line.substr(0, line.find_last_of(']') + 1)));
            }
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) throw ImportError(where + ": expected 'key = value'");
        ValueParser parser{line.substr(eq + 1), where};
        ConfEntry entry = parser.parse();
        entry.key = std::string(trim(line.substr(0, eq)));
        if (entry.key.size() >= 2 && (entry.key.front() == '"' || entry.key.front() == '\'') &&
            entry.key.back() == entry.key.front())
            entry.key = entry.key.substr(1, entry.key.size() - 2);
        if (entry.key.empty()) throw ImportError(where + ": expected 'key = value'");
        entry.line = number;
        switch (section) {
            case Section::Top: conf.top.push_back(std::move(entry)); break;
            case Section::Params: conf.params.push_back(std::move(entry)); break;
            case Section::WebrootMap: conf.webroot_map.push_back(std::move(entry)); break;
            case Section::Other: break;  // listed as a whole by other_sections
        }
    }
    return conf;
}

}  // namespace certa::acme
