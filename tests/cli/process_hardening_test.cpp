// What main does before any secret is handled, seen from outside a running
// `certa serve`: no core dumps (RLIMIT_CORE 0 in /proc/PID/limits) and the
// --eab-hmac-key value blanked in /proc/PID/cmdline, in both flag forms.
#include "tests/handshake/ServeProcess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

using namespace certa::test;

namespace {

std::string proc_file(pid_t pid, const char* name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The "Max core file size" line of /proc/PID/limits.
std::string core_limit_line(pid_t pid) {
    std::istringstream in(proc_file(pid, "limits"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Max core file size", 0) == 0) return line;
    return {};
}

}  // namespace

TEST_CASE("a running serve dumps no core and shows no EAB key in its command line") {
    const std::string secret = "c2VjcmV0LWhtYWMta2V5LWZvci1wcm9jZXNzLXRlc3Q";
    for (const std::vector<std::string>& eab : {std::vector<std::string>{"--eab-hmac-key", secret},
                                                std::vector<std::string>{"--eab-hmac-key=" + secret}}) {
        TempDir dir;
        std::vector<std::string> args{"--on-demand", "--allow", "*.example", "--eab-kid", "kid-1"};
        args.insert(args.end(), eab.begin(), eab.end());
        ServeProcess serve(dir.file("certa.db"), args);
        const pid_t pid = serve.process().pid();
        const std::string cmdline = proc_file(pid, "cmdline");
        REQUIRE(cmdline.find("--eab-kid") != std::string::npos);  // the file is read
        CHECK(cmdline.find(secret) == std::string::npos);
        CHECK(cmdline.find(secret.substr(0, 8)) == std::string::npos);
        const std::string core = core_limit_line(pid);
        REQUIRE_FALSE(core.empty());
        std::istringstream fields(core.substr(std::string("Max core file size").size()));
        std::string soft, hard;
        fields >> soft >> hard;
        CHECK(soft == "0");
        CHECK(hard == "0");
        CHECK(serve.logs().find(secret) == std::string::npos);
    }
}
