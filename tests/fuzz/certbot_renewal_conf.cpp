// Fuzz target: certbot's renewal/NAME.conf reader (acme/import/
// CertbotRenewalConf.*, the ConfigObj subset certbot writes), which
// `certa import certbot` runs on files another program wrote.
// Properties: bad input ends in ImportError with a one-line message that
// never quotes the input; what parses has entries with non-empty keys, line
// numbers in order and within the text, no control characters in keys,
// items or section names (they reach certa's one-line output), and
// param()/param_entry() agree.
#include "acme/import/CertbotRenewalConf.hpp"
#include "acme/import/ImportError.hpp"

#include "FuzzCheck.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace certa::acme;

namespace {

void check_text(std::string_view text) {
    for (char c : text) FUZZ_CHECK(!((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f));
}

void check_entries(const std::vector<ConfEntry>& entries, int lines) {
    int last = 0;
    for (const auto& e : entries) {
        FUZZ_CHECK(!e.key.empty());
        FUZZ_CHECK(e.line >= 1 && e.line <= lines);
        FUZZ_CHECK(e.line >= last);
        last = e.line;
        check_text(e.key);
        for (const auto& item : e.items) check_text(item);
        (void)e.text();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    try {
        const CertbotRenewalConf conf = CertbotRenewalConf::parse(text, "renewal/fuzz.conf");
        check_entries(conf.top, lines);
        check_entries(conf.params, lines);
        check_entries(conf.webroot_map, lines);
        for (const auto& e : conf.params) {
            const ConfEntry* found = conf.param_entry(e.key);
            FUZZ_CHECK(found != nullptr && found->key == e.key);
            const auto value = conf.param(e.key);
            if (value) FUZZ_CHECK(*value == found->text());
        }
        for (const auto& section : conf.other_sections) check_text(section);
    } catch (const ImportError& e) {
        const std::string_view what = e.what();
        FUZZ_CHECK(what.rfind("renewal/fuzz.conf:", 0) == 0);
        FUZZ_CHECK(what.find('\n') == std::string_view::npos);
    }
    return 0;
}
