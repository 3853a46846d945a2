// Fuzz target: what certa reads from HAProxy's runtime API socket
// (acme/deploy/HaproxyAnswer.*), and the check of a certificate path HAProxy
// names itself (acme/deploy/HaproxyCrtPath.*). The socket's answers are
// untrusted text: with no CRT-PATH, root writes where `show ssl cert` says.
// Input: the `show ssl cert` answer, then "\n@@\n" and the `show ssl
// crt-list` answer.
// Properties: listed paths are plain (no spaces or control characters) and
// never '#' headers; the one-line form of an answer is printable and
// bounded; a path accepted for writing is absolute, lexically normal, and in
// the directory of a listed crt-list or below it.
#include "acme/deploy/HaproxyAnswer.hpp"
#include "acme/deploy/HaproxyCrtPath.hpp"
#include "acme/deploy/HaproxyRuntimeApi.hpp"

#include "FuzzCheck.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

using namespace certa::acme;

namespace {

void check_one_line(std::string_view answer) {
    const std::string line = answer_one_line(answer);
    FUZZ_CHECK(!line.empty() && line.size() <= 303);
    for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
}

bool under(const std::filesystem::path& dir, const std::filesystem::path& path) {
    auto d = dir.begin(), p = path.begin();
    for (; d != dir.end(); ++d, ++p)
        if (p == path.end() || *d != *p) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t cut = input.find("\n@@\n");
    const std::string_view certs = input.substr(0, cut);
    const std::string_view lists = cut == std::string_view::npos ? std::string_view{} : input.substr(cut + 4);
    check_one_line(certs);
    check_one_line(lists);
    (void)parse_certificate_status(certs);
    for (const auto& entry : parse_crt_list_entries(lists)) FUZZ_CHECK(entry.find(' ') == std::string::npos);

    const auto loaded = parse_path_listing(certs);
    const auto crt_lists = parse_path_listing(lists);
    if (!loaded || !crt_lists) return 0;
    for (const auto& path : *loaded) {
        FUZZ_CHECK(!path.empty() && path.front() != '#' && path.front() != '*');
        for (unsigned char c : path) FUZZ_CHECK(c > 0x20 && c < 0x7f);
        try {
            // A shared store's policy: only what an allow file names (none here).
            check_discovered_crt_path(path, *crt_lists, LocalPolicy());
            FUZZ_CHECK(false);  // nothing is allowed without an allow file line
        } catch (const HaproxyError& e) {
            FUZZ_CHECK(std::string_view(e.what()).find('\n') == std::string_view::npos);
        }
        try {
            check_discovered_crt_path(path, *crt_lists, LocalPolicy::trust_store());
            const std::filesystem::path accepted(path);
            FUZZ_CHECK(accepted.is_absolute() && accepted.lexically_normal() == accepted);
            bool in_a_list_dir = false;
            for (const auto& list : *crt_lists) {
                std::error_code ec;
                const std::filesystem::path l(list);
                const auto dir = std::filesystem::canonical(
                    std::filesystem::is_directory(l, ec) ? l : l.parent_path(), ec);
                if (!ec && under(dir, std::filesystem::canonical(accepted.parent_path(), ec)))
                    in_a_list_dir = true;
            }
            FUZZ_CHECK(in_a_list_dir);
        } catch (const HaproxyError& e) {
            FUZZ_CHECK(std::string_view(e.what()).find('\n') == std::string_view::npos);
        }
    }
    return 0;
}
