// `meson install --destdir TMP` of this build tree, and the installed tree
// used like a user would: the binary runs, a C program builds against the
// installed header and library through pkg-config, the man pages render
// without warnings and the systemd units start the installed binary.
// Everything is written under one TempDir (plus meson's own install log in
// the build tree).
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestFiles.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace certa::test;
namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    REQUIRE_MESSAGE(value, name << " is not set (run through meson test)");
    return value;
}

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// The installation directories, as configured (absolute, without DESTDIR).
struct Layout {
    fs::path bindir, libdir, includedir, mandir, pkgconfigdir, unitdir;
    std::vector<std::string> man_pages;  // "certa.1", ...
};

Layout layout() {
    const fs::path prefix = env("CERTA_INSTALL_PREFIX");
    Layout l;
    l.bindir = prefix / env("CERTA_INSTALL_BINDIR");
    l.libdir = prefix / env("CERTA_INSTALL_LIBDIR");
    l.includedir = prefix / env("CERTA_INSTALL_INCLUDEDIR");
    l.mandir = prefix / env("CERTA_INSTALL_MANDIR");
    l.pkgconfigdir = l.libdir / "pkgconfig";
    l.unitdir = prefix / env("CERTA_INSTALL_UNITDIR");
    l.man_pages = words(env("CERTA_MAN_PAGES"));
    return l;
}

// DESTDIR + an absolute installed path.
fs::path under(const fs::path& destdir, const fs::path& installed) {
    return destdir / installed.relative_path();
}

fs::path man_path(const Layout& l, const std::string& page) {
    return l.mandir / ("man" + page.substr(page.rfind('.') + 1)) / page;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Installs the build tree into `destdir` once per process (the test cases share it).
const fs::path& installed_tree() {
    static TempDir dir;
    static const fs::path destdir = [] {
        const fs::path d = dir.path() / "destdir";
        RunOptions o;
        o.timeout = std::chrono::milliseconds(120000);
        // --no-rebuild: meson test built every target this test depends on;
        // rebuilding here would race with ninja.
        auto r = run({env("CERTA_MESON"), "install", "-C", env("CERTA_BUILD_ROOT"), "--destdir", d.string(),
                      "--no-rebuild", "--quiet"},
                     o);
        REQUIRE_MESSAGE(r.exit_code == 0, "meson install failed: " << r.out << r.err);
        return d;
    }();
    return destdir;
}

// The files `meson install` must put into the tree, with their modes.
std::map<fs::path, int> expected_files(const Layout& l) {
    const std::string lib = "libcerta_handshake.so";
    const std::string version = env("CERTA_VERSION");
    std::map<fs::path, int> files = {
        {l.bindir / "certa", 0755},
        {l.libdir / (lib + "." + version), 0755},
        {l.includedir / "certa_handshake.h", 0644},
        {l.pkgconfigdir / "certa_handshake.pc", 0644},
        {l.unitdir / "certa-renew.service", 0644},
        {l.unitdir / "certa-renew.timer", 0644},
        {l.unitdir / "certa-serve.service", 0644},
        {l.unitdir / "certa-worker.service", 0644},
    };
    for (const auto& page : l.man_pages) files[man_path(l, page)] = 0644;
    // -Dnginx: the module where Debian's nginx loads modules, and its snippet.
    if (env("CERTA_NGINX_MODULE_BUILT") == "1") {
        files["/usr/lib/nginx/modules/ngx_http_certa_module.so"] = 0755;
        files["/usr/share/nginx/modules-available/mod-http-certa.conf"] = 0644;
    }
    return files;
}

}  // namespace

TEST_CASE("meson install puts every file in place with sane modes, and nothing else") {
    const Layout l = layout();
    const fs::path& destdir = installed_tree();
    const auto expected = expected_files(l);
    for (const auto& [path, mode] : expected) {
        const fs::path p = under(destdir, path);
        CHECK_MESSAGE(fs::is_regular_file(fs::symlink_status(p)), p);
        CHECK_MESSAGE(file_mode(p, Links::NoFollow) == mode, p << " has mode " << std::oct << file_mode(p, Links::NoFollow));
    }
    // The library's development and soname links lead to the one file.
    const std::string version = env("CERTA_VERSION");
    const fs::path real = under(destdir, l.libdir / ("libcerta_handshake.so." + version));
    for (const std::string& link :
         std::vector<std::string>{"libcerta_handshake.so", "libcerta_handshake.so." + version.substr(0, version.find('.'))}) {
        const fs::path p = under(destdir, l.libdir / link);
        CHECK_MESSAGE(fs::is_symlink(p), p);
        CHECK_MESSAGE(fs::equivalent(p, real), p);
    }
    // Nothing beyond that list (no static library, no test binary).
    std::set<fs::path> unexpected;
    for (const auto& entry : fs::recursive_directory_iterator(destdir)) {
        if (!entry.is_symlink() && entry.is_directory()) {
            CHECK_MESSAGE((file_mode(entry.path(), Links::NoFollow) & 022) == 0, entry.path() << " is group/other writable");
            continue;
        }
        const fs::path installed = fs::path("/") / fs::relative(entry.path(), destdir);
        const bool lib_link = entry.is_symlink() && installed.parent_path() == l.libdir;
        if (!expected.count(installed) && !lib_link) unexpected.insert(installed);
    }
    CHECK_MESSAGE(unexpected.empty(), "unexpected files: " << [&] {
        std::string all;
        for (const auto& p : unexpected) all += p.string() + " ";
        return all;
    }());
    // Every page in doc/man/ is installed (the list in doc/man/meson.build is complete).
    if (!l.man_pages.empty()) {
        for (const auto& entry : fs::directory_iterator(env("CERTA_MAN_SOURCE_DIR"))) {
            const std::string name = entry.path().filename().string();
            if (entry.path().extension() != ".scd") continue;
            const std::string page = name.substr(0, name.size() - 4);
            CHECK_MESSAGE(std::find(l.man_pages.begin(), l.man_pages.end(), page) != l.man_pages.end(),
                          name << " is not in man_pages (doc/man/meson.build)");
        }
    } else {
        MESSAGE("man pages disabled (-Dman=disabled or no scdoc): none expected");
    }
}

TEST_CASE("the installed certa runs and prints its version") {
    const Layout l = layout();
    const fs::path& destdir = installed_tree();
    RunOptions o;
    o.env["LD_LIBRARY_PATH"] = under(destdir, l.libdir).string();
    const std::string certa = under(destdir, l.bindir / "certa").string();
    auto version = run({certa, "--version"}, o);
    CHECK(version.exit_code == 0);
    CHECK(version.out == "certa " + env("CERTA_VERSION") + "\n");
    // It works on a store of its own (created 0600).
    TempDir work;
    o.env["CERTA_STORE"] = work.file("certa.db");
    auto check = run({certa, "store", "check"}, o);
    CHECK_MESSAGE(check.exit_code == 0, check.err);
    CHECK(file_mode(work.file("certa.db"), Links::NoFollow) == 0600);
    // meson dropped the build tree's RUNPATH on install.
    auto elf = run({"readelf", "-d", certa});
    REQUIRE(elf.exit_code == 0);
    CHECK(elf.out.find(env("CERTA_BUILD_ROOT")) == std::string::npos);
}

TEST_CASE("a C program builds and runs against the installed header and library (pkg-config)") {
    const Layout l = layout();
    const fs::path& destdir = installed_tree();
    TempDir work;
    RunOptions o;
    o.timeout = std::chrono::milliseconds(120000);
    // The .pc file names the configured prefix; the sysroot maps it into DESTDIR.
    o.env["PKG_CONFIG_PATH"] = under(destdir, l.pkgconfigdir).string();
    o.env["PKG_CONFIG_SYSROOT_DIR"] = destdir.string();
    auto flags = run({"pkg-config", "--cflags", "--libs", "certa_handshake"}, o);
    REQUIRE_MESSAGE(flags.exit_code == 0, flags.err);
    CHECK(flags.out.find("-lcerta_handshake") != std::string::npos);
    CHECK(flags.out.find("-I" + under(destdir, l.includedir).string()) != std::string::npos);
    CHECK(flags.out.find("-L" + under(destdir, l.libdir).string()) != std::string::npos);
    auto version = run({"pkg-config", "--modversion", "certa_handshake"}, o);
    CHECK(version.out == env("CERTA_VERSION") + "\n");

    std::ofstream(work.file("agent.c")) << R"(#include <certa_handshake.h>
#include <stdio.h>
int main(int argc, char **argv) {
    if (argc != 2) return 2;
    certa_agent *agent = certa_agent_open(argv[1], NULL);
    if (!agent) { printf("error: %s\n", certa_last_error()); return 1; }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    int attached = certa_agent_attach(agent, ctx);
    printf("attached %d, %zu certificates\n", attached, certa_agent_certificate_count(agent));
    certa_agent_close(agent);
    SSL_CTX_free(ctx);
    return 0;
}
)";
    std::vector<std::string> cc = {"cc", work.file("agent.c"), "-o", work.file("agent")};
    // A sanitizer build: the same runtimes as the instrumented library.
    for (const auto& w : words(std::getenv("CERTA_EXAMPLE_CFLAGS") ? std::getenv("CERTA_EXAMPLE_CFLAGS") : ""))
        cc.push_back(w);
    for (const auto& w : words(flags.out)) cc.push_back(w);
    auto built = run(cc, o);
    REQUIRE_MESSAGE(built.exit_code == 0, built.err);

    RunOptions r;
    r.env["LD_LIBRARY_PATH"] = under(destdir, l.libdir).string();
    // A missing store is reported through certa_last_error.
    auto missing = run({work.file("agent"), work.file("missing.db")}, r);
    CHECK(missing.exit_code == 1);
    CHECK(missing.out.rfind("error: ", 0) == 0);
    CHECK(missing.out.size() > std::string("error: \n").size());
    // A store made by the installed certa opens and attaches.
    r.env["CERTA_STORE"] = work.file("certa.db");
    REQUIRE(run({under(destdir, l.bindir / "certa").string(), "store", "check"}, r).exit_code == 0);
    auto opened = run({work.file("agent"), work.file("certa.db")}, r);
    CHECK_MESSAGE(opened.exit_code == 0, opened.out << opened.err);
    CHECK(opened.out == "attached 0, 0 certificates\n");
    // The program found the library in DESTDIR, not the build tree.
    auto ldd = run({"ldd", work.file("agent")}, r);
    CHECK(ldd.out.find(under(destdir, l.libdir / "libcerta_handshake.so.").string()) != std::string::npos);
}

TEST_CASE("every installed man page renders without warnings") {
    const Layout l = layout();
    const fs::path& destdir = installed_tree();
    if (l.man_pages.empty()) {
        MESSAGE("man pages disabled: nothing to render");
        return;
    }
    for (const auto& page : l.man_pages) {
        const fs::path p = under(destdir, man_path(l, page));
        CAPTURE(p);
        // What `man --warnings -l` runs: groff with the man macros, all warnings on.
        RunOptions o;
        o.env["MANWIDTH"] = "80";
        auto r = run({"groff", "-t", "-man", "-Tutf8", "-P-cbou", "-ww", "-rLL=80n", p.string()}, o);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        const std::string name = page.substr(0, page.rfind('.'));
        // The header carries the page's own name and section; the text is not empty.
        std::string upper = name;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        CHECK(read_file(p).find(".TH \"" + upper + "\" \"" + page.substr(page.rfind('.') + 1) + "\"") !=
              std::string::npos);
        CHECK(r.out.find("NAME") != std::string::npos);
        CHECK(r.out.find("SEE ALSO") != std::string::npos);
    }
}

TEST_CASE("the systemd units start the installed certa") {
    const Layout l = layout();
    const fs::path& destdir = installed_tree();
    const fs::path certa = l.bindir / "certa";
    for (const std::string unit : {"certa-renew.service", "certa-serve.service", "certa-worker.service"}) {
        CAPTURE(unit);
        std::istringstream text(read_file(under(destdir, l.unitdir / unit)));
        int exec_lines = 0;
        for (std::string line; std::getline(text, line);) {
            if (line.rfind("ExecStart=", 0) != 0) continue;
            ++exec_lines;
            const auto argv = words(line.substr(10));
            REQUIRE_FALSE(argv.empty());
            CHECK(argv[0] == certa.string());
            CHECK(::access(under(destdir, argv[0]).c_str(), X_OK) == 0);
        }
        CHECK(exec_lines == 1);
    }
    // The timer starts the renew service (its default Unit=).
    CHECK(fs::exists(under(destdir, l.unitdir / "certa-renew.timer")));

    // systemd's own check, where systemd is installed (Debian's `systemd`;
    // a minimal container may not have it). verify also wants ExecStart's
    // binary to exist, so it reads copies whose ExecStart names the binary
    // in DESTDIR (the only change).
    RunResult which = run({"sh", "-c", "command -v systemd-analyze"});
    if (which.exit_code != 0) {
        MESSAGE("systemd-analyze is not installed: systemd-analyze verify not run");
        return;
    }
    TempDir copies;
    std::vector<std::string> argv = {"systemd-analyze", "verify", "--man=no"};
    for (const std::string unit :
         {"certa-renew.service", "certa-renew.timer", "certa-serve.service", "certa-worker.service"}) {
        std::string text = read_file(under(destdir, l.unitdir / unit));
        const std::string from = "\nExecStart=" + certa.string() + " ";
        const std::string to = "\nExecStart=" + under(destdir, certa).string() + " ";
        if (auto at = text.find(from); at != std::string::npos) text.replace(at, from.size(), to);
        std::ofstream(copies.file(unit)) << text;
        argv.push_back(copies.file(unit));
    }
    RunOptions o;
    o.env["SYSTEMD_LOG_LEVEL"] = "warning";
    auto verify = run(argv, o);
    // verify exits 0 on a value it ignores, with a warning: both must be clean.
    CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
    CHECK_MESSAGE(verify.err.empty(), verify.err);
}
