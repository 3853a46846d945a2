// The C example server (linked through the C API shared library) checked with
// real clients: `openssl s_client -servername` and `curl --resolve`; with a
// bounded cache it pauses misses (CERTA_OPEN_PAUSE_ON_MISS) and resumes them.
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace certa;
using namespace certa::test;

namespace {

std::string example_server() {
    const char* path = std::getenv("CERTA_EXAMPLE_SERVER");
    REQUIRE_MESSAGE(path, "CERTA_EXAMPLE_SERVER is not set (run through meson test)");
    return path;
}

// Waits (bounded) for "listening on PORT" and returns PORT.
std::string wait_for_port(Background& server) {
    for (int i = 0; i < 500; ++i) {
        std::string out = server.out();
        auto at = out.find("listening on ");
        auto nl = out.find('\n', at);
        if (at != std::string::npos && nl != std::string::npos) return out.substr(at + 13, nl - at - 13);
        if (!server.running()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("example server did not start: " << server.err());
    return {};
}

RunResult s_client(const std::string& port, const std::string& servername, const std::string& alpn = {}) {
    std::vector<std::string> argv = {"openssl", "s_client", "-connect", "127.0.0.1:" + port,
                                     "-servername", servername};
    if (!alpn.empty()) {
        argv.push_back("-alpn");
        argv.push_back(alpn);
    }
    RunOptions o;
    o.timeout = std::chrono::milliseconds(20000);
    o.stdin_data = "";
    return run(argv, o);
}

// The first certificate PEM block of s_client's output.
std::string first_pem(const std::string& text) {
    auto begin = text.find("-----BEGIN CERTIFICATE-----");
    auto end = text.find("-----END CERTIFICATE-----", begin);
    if (begin == std::string::npos || end == std::string::npos) return {};
    return text.substr(begin, end + 25 - begin) + "\n";
}

}  // namespace

TEST_CASE("example server with a cache of 1 (certa_agent_open_cache, CERTA_OPEN_PAUSE_ON_MISS): every name served, "
          "1 held parsed, misses paused and resumed through certa_agent_when_loaded") {
    TempDir dir;
    const std::string path = dir.file("certa.db");
    auto store = storage::open_store(path);
    auto apex = put_test_cert(*store, {"example.com"});
    auto www = put_test_cert(*store, {"www.example.com"});
    Background server({example_server(), path, "0", "", "1"});
    const std::string port = wait_for_port(server);
    for (int i = 0; i < 2; ++i) {
        CHECK(serial_of_pem(first_pem(s_client(port, "example.com").out)) == serial_of_pem(apex.cert.cert_pem));
        CHECK(serial_of_pem(first_pem(s_client(port, "www.example.com").out)) == serial_of_pem(www.cert.cert_pem));
    }
    for (int i = 0; i < 200 && server.err().find("parsed 1") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(server.err().find("parsed 1") != std::string::npos);
    CHECK(server.err().find("parsed 2") == std::string::npos);
    // Alternating names with room for one: the later handshakes miss, pause and resume.
    CHECK(server.err().find("paused") != std::string::npos);
}

TEST_CASE("example server: s_client and curl get the agent's certificates") {
    TempDir dir;
    const std::string path = dir.file("certa.db");
    auto store = storage::open_store(path);
    auto apex = put_test_cert(*store, {"example.com"});
    auto wild = put_test_cert(*store, {"*.example.com"});
    store->put_challenge(make_challenge_row("acme.example.com"));

    Background server({example_server(), path, "0"});
    const std::string port = wait_for_port(server);

    SUBCASE("s_client -servername selects by SNI") {
        auto r = s_client(port, "WWW.example.com");
        CHECK(r.exit_code == 0);
        std::string pem = first_pem(r.out);
        REQUIRE_FALSE(pem.empty());
        CHECK(serial_of_pem(pem) == serial_of_pem(wild.cert.cert_pem));
        auto a = s_client(port, "example.com");
        CHECK(serial_of_pem(first_pem(a.out)) == serial_of_pem(apex.cert.cert_pem));
    }
    SUBCASE("s_client -alpn acme-tls/1 gets the challenge certificate") {
        auto r = s_client(port, "acme.example.com", "acme-tls/1");
        CHECK(r.out.find("ALPN protocol: acme-tls/1") != std::string::npos);
        std::string pem = first_pem(r.out);
        REQUIRE_FALSE(pem.empty());
        RunOptions o;
        o.stdin_data = pem;
        auto text = run({"openssl", "x509", "-noout", "-text"}, o);
        CHECK(text.out.find("1.3.6.1.5.5.7.1.31: critical") != std::string::npos);
        CHECK(text.out.find("DNS:acme.example.com") != std::string::npos);
    }
    SUBCASE("acme-tls/1 without a pending challenge: no certificate at all") {
        auto r = s_client(port, "www.example.com", "acme-tls/1");
        CHECK(r.exit_code != 0);
        CHECK(first_pem(r.out).empty());
        CHECK((r.err + r.out).find("unrecognized name") != std::string::npos);
    }
    SUBCASE("curl --resolve over HTTPS, then a renewal is served without restart") {
        std::ofstream(dir.file("wild.pem")) << wild.cert.cert_pem;
        RunOptions o;
        o.timeout = std::chrono::milliseconds(20000);
        auto r = run({"curl", "-sS", "--max-time", "10", "--resolve", "www.example.com:" + port + ":127.0.0.1",
                      "--cacert", dir.file("wild.pem"), "https://www.example.com:" + port + "/"},
                     o);
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        CHECK(r.out == "hello from certa example\n");

        auto renewed = put_test_cert(*store, {"*.example.com"}, "ec256", wild.id);
        const std::string want = serial_of_pem(renewed.cert.cert_pem);
        std::string got;
        for (int i = 0; i < 100 && got != want; ++i) {  // the agent polls every 100 ms
            got = serial_of_pem(first_pem(s_client(port, "www.example.com").out));
            if (got != want) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK(got == want);
        std::ofstream(dir.file("renewed.pem")) << renewed.cert.cert_pem;
        auto again = run({"curl", "-sS", "--max-time", "10", "--resolve", "www.example.com:" + port + ":127.0.0.1",
                          "--cacert", dir.file("renewed.pem"), "https://www.example.com:" + port + "/"},
                         o);
        CHECK_MESSAGE(again.exit_code == 0, again.err);
    }
    auto stopped = server.stop(SIGTERM);
    CHECK(stopped.exit_code == 0);
}

TEST_CASE("example server: a missing store is reported through certa_last_error") {
    TempDir dir;
    RunOptions o;
    o.timeout = std::chrono::milliseconds(20000);
    auto r = run({example_server(), dir.file("missing.db"), "0"}, o);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("example_server: ") == 0);
    CHECK(r.err.size() > std::string("example_server: \n").size());
}

TEST_CASE("pkg-config: the example builds against certa_handshake.pc alone") {
    const char* pc_dir = std::getenv("CERTA_PKGCONFIG_DIR");
    const char* source = std::getenv("CERTA_EXAMPLE_SOURCE");
    const char* lib_dir = std::getenv("CERTA_HANDSHAKE_LIB_DIR");
    REQUIRE_MESSAGE((pc_dir && source && lib_dir), "run through meson test");
    TempDir dir;
    RunOptions o;
    o.timeout = std::chrono::milliseconds(120000);
    o.env["PKG_CONFIG_PATH"] = pc_dir;
    auto flags = run({"pkg-config", "--cflags", "--libs", "certa_handshake-uninstalled"}, o);
    REQUIRE_MESSAGE(flags.exit_code == 0, flags.err);
    CHECK(flags.out.find("-lcerta_handshake") != std::string::npos);
    // cc SOURCE -o BIN $CERTA_EXAMPLE_CFLAGS $(pkg-config ...), split on spaces (the build paths have none).
    std::vector<std::string> argv = {"cc", source, "-o", dir.file("example")};
    // Sanitizer builds: the same -fsanitize flags as the library (else ASan aborts at start).
    const char* extra = std::getenv("CERTA_EXAMPLE_CFLAGS");
    std::string word;
    for (char c : std::string(extra ? extra : "") + " " + flags.out + " ") {
        if (c == ' ' || c == '\n') {
            if (!word.empty()) argv.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    auto cc = run(argv, o);
    REQUIRE_MESSAGE(cc.exit_code == 0, cc.err);
    auto store = storage::open_store(dir.file("certa.db"));
    put_test_cert(*store, {"example.com"});
    RunOptions env;
    env.env["LD_LIBRARY_PATH"] = lib_dir;
    Background server({dir.file("example"), dir.file("certa.db"), "0"}, env);
    const std::string port = wait_for_port(server);
    auto r = s_client(port, "example.com");
    CHECK(r.out.find("CN = example.com") != std::string::npos);
    CHECK(server.stop(SIGTERM).exit_code == 0);
}
