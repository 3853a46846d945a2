// What main does before any secret is handled, seen from outside a running
// `certa serve`: no core dumps (RLIMIT_CORE 0 in /proc/PID/limits) and the
// --eab-hmac-key value blanked in /proc/PID/cmdline, in both flag forms; and
// `serve --user` giving up root (uid, gid, groups in /proc/PID/status) while
// still handling connections. The drop needs root (CI runs as root).
#include "storage/open/StorePath.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

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

// The value of a "Key:\tv1\tv2..." line of /proc/PID/status, tabs as spaces.
std::string status_field(pid_t pid, const std::string& key) {
    std::istringstream in(proc_file(pid, "status"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) {
            std::string value = line.substr(key.size() + 1);
            for (char& c : value)
                if (c == '\t') c = ' ';
            const auto first = value.find_first_not_of(' ');
            return first == std::string::npos ? std::string() : value.substr(first);
        }
    return "?";
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

TEST_CASE("serve --user gives up root after binding and still handles connections") {
    REQUIRE_MESSAGE(::geteuid() == 0, "dropping privileges needs root");
    TempDir dir;
    ServeProcess serve(dir.file("certa.db"), {"--user", "nobody"});
    REQUIRE(serve.wait_for_log("serve: running as user nobody", std::chrono::seconds(5)));
    const pid_t pid = serve.process().pid();
    CHECK(status_field(pid, "Uid") == "65534 65534 65534 65534");
    CHECK(status_field(pid, "Gid") == "65534 65534 65534 65534");
    CHECK(status_field(pid, "Groups") == "");
    CHECK(status_field(pid, "NoNewPrivs") == "1");
    // A ClientHello still reaches the (unprivileged) daemon and is answered.
    s_client(serve.port(), "after-drop.example");
    CHECK(serve.wait_for_log("after-drop.example", std::chrono::seconds(5)));

    auto unknown = run_certa({"--store", dir.file("other.db"), "serve", "--listen", "127.0.0.1:0", "--user",
                              "no-such-user-certa"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("no such user") != std::string::npos);
}

// Security round 2, finding 2: the descriptors serve holds on the store stay
// writable after the drop, so a store root trusts (root's own, private) must
// never be one the dropped process holds.
TEST_CASE("serve --user refuses a store that belongs to root, and creates a new one for the user") {
    REQUIRE_MESSAGE(::geteuid() == 0, "dropping privileges needs root");
    TempDir dir;
    const std::string roots = dir.file("root.db");
    REQUIRE(run_certa({"--store", roots, "list"}).exit_code == 0);
    REQUIRE(certa::storage::is_private_store(roots));
    auto refused = run_certa({"--store", roots, "serve", "--listen", "127.0.0.1:0", "--user", "nobody"},
                             RunOptions{.env = {}, .stdin_data = {}, .timeout = std::chrono::seconds(20)});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("belongs to uid 0, not to nobody") != std::string::npos);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);

    // A new store is created for the user: root no longer counts it as private,
    // so a hook recorded in it runs only when the allow file names it.
    const std::string fresh = dir.file("fresh.db");
    ServeProcess serve(fresh, {"--user", "nobody"});
    REQUIRE(serve.wait_for_log("serve: running as user nobody", std::chrono::seconds(5)));
    struct stat st {};
    REQUIRE(::stat(fresh.c_str(), &st) == 0);
    CHECK(st.st_uid == 65534u);
    CHECK_FALSE(certa::storage::is_private_store(fresh));
    // Every descriptor the dropped process holds on a store file is on that user's file.
    const std::string fd_dir = "/proc/" + std::to_string(serve.process().pid()) + "/fd";
    int store_fds = 0;
    for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
        std::error_code ec;
        const auto target = std::filesystem::read_symlink(entry.path(), ec);
        if (ec || target.string().rfind(fresh, 0) != 0) continue;
        ++store_fds;
        struct stat file {};
        REQUIRE(::stat(target.c_str(), &file) == 0);
        CAPTURE(target.string());
        CHECK(file.st_uid != 0u);  // held by the dropped process, yet root's
    }
    CHECK(store_fds > 0);
}
