// Fuzz target: the profile check (acme/issue/ProfileCheck.*) over a CA's
// directory (acme/protocol/Directory.*, draft-ietf-acme-profiles meta.profiles).
// Input: the requested profile on the first line, the directory JSON after.
// Properties: a directory that parses either passes the profile (empty, no
// profiles listed, or listed) or refuses it with OrderError, whose message is
// one printable line of bounded length whatever names the CA sends.
#include "acme/issue/ProfileCheck.hpp"
#include "acme/protocol/Json.hpp"

#include "FuzzCheck.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace certa::acme;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string profile(input.substr(0, newline == std::string_view::npos ? input.size() : newline));
    const std::string_view json_text = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
    Directory directory;
    try {
        directory = parse_directory(json_text, "https://ca.example/dir");
    } catch (const json::JsonError&) {
        return 0;
    }
    const bool allowed = profile.empty() || directory.profiles.empty() || directory.profiles.count(profile) > 0;
    try {
        check_profile(directory, profile);
        FUZZ_CHECK(allowed);
    } catch (const OrderError& e) {
        FUZZ_CHECK(!allowed);
        const std::string_view what = e.what();
        FUZZ_CHECK(what.size() < 2048);
        for (unsigned char c : what) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    }
    return 0;
}
