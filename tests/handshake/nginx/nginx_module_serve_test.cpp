// ngx_http_certa_module serving, with Debian's nginx on loopback (master as
// root, workers as www-data): the leaf chosen by SNI (exact, one-label
// wildcard, local IP without SNI, certa_default_name, dual key by the
// client's signature algorithms, the block's own ssl_certificate for names
// the store does not hold, blocks without certa untouched), verified with
// openssl s_client and curl; a renewal written by another process served
// without reload; tls-alpn-01 challenges on nginx's port under TLS 1.2 and
// 1.3 (RFC 8737 §3); nginx -s reload and -s stop; a binary upgrade (USR2).
#include "GroupSharedStore.hpp"
#include "NginxConf.hpp"
#include "NginxInstance.hpp"
#include "TlsProbe.hpp"

#include "tests/handshake/TlsTestPeer.hpp"
#include "tests/support/PebbleHarness.hpp"

#include <doctest/doctest.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>

using namespace certa::test;

namespace {

// One nginx: port1 a catch-all certa block (no default name, h2 on), port2 a
// catch-all certa block with certa_default_name a.example.test, and on port1
// a block for static.example.test without certa.
struct Served {
    GroupSharedStore shared;
    TestCert fallback = make_self_signed({"fallback.example.test"});
    TestCert fixed = make_self_signed({"static.example.test"});
    int port1 = free_tcp_port(), port2 = free_tcp_port();
    std::int64_t a_id = 0;
    std::unique_ptr<NginxInstance> nginx;

    // `http_extra`: directives for http{} (e.g. certa_cache_size).
    explicit Served(bool daemon = false, const std::string& http_extra = "") {
        a_id = shared.put({"a.example.test"});
        shared.put({"*.wild.example.test"});
        shared.put({"dual.example.test"}, "ec256");
        shared.put({"dual.example.test"}, "rsa2048");
        shared.put({"127.0.0.1"});
        shared.put({"static.example.test"});  // in the store too, but its block has no certa
        ServerBlock one;
        one.port = port1;
        one.http2 = true;
        one.fallback_cert = shared.write_file("fallback.pem", fallback.chain_pem);
        one.fallback_key = shared.write_file("fallback.key", fallback.key_pem);
        ServerBlock two = one;
        two.port = port2;
        two.http2 = false;
        two.default_name = "a.example.test";
        ServerBlock plain = one;
        plain.default_server = false;
        plain.server_name = "static.example.test";
        plain.certa = false;
        plain.body = "static";
        plain.fallback_cert = shared.write_file("static.pem", fixed.chain_pem);
        plain.fallback_key = shared.write_file("static.key", fixed.key_pem);
        nginx = std::make_unique<NginxInstance>(shared.path(), http_extra +
                                                server_block(one) + server_block(two) + server_block(plain));
        REQUIRE_MESSAGE(nginx->start(port1, daemon), nginx->error_log());
        REQUIRE(tcp_accepts(port2));
    }

    std::vector<std::string> leaf_names(int port, const std::string& sni) {
        auto r = tls_probe(port, probe(sni));
        return r.ok ? r.names : std::vector<std::string>{"(failed: " + r.error + ")"};
    }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("the leaf is chosen by SNI, verified by openssl s_client and curl") {
    Served s;
    CHECK(s.leaf_names(s.port1, "a.example.test") == Names{"a.example.test"});
    CHECK(s.leaf_names(s.port1, "A.Example.Test.") == Names{"a.example.test"});
    CHECK(s.leaf_names(s.port1, "x.wild.example.test") == Names{"*.wild.example.test"});
    CHECK(s.leaf_names(s.port1, "y.x.wild.example.test") == Names{"fallback.example.test"});  // one label only
    CHECK(s.leaf_names(s.port1, "unknown.example.test") == Names{"fallback.example.test"});
    CHECK(s.leaf_names(s.port2, "unknown.example.test") == Names{"a.example.test"});  // certa_default_name
    CHECK(s.leaf_names(s.port1, "") == Names{"127.0.0.1"});                          // no SNI: local IP
    CHECK(s.leaf_names(s.port1, "static.example.test").front() == "static.example.test");
    auto ec = tls_probe(s.port1, probe("dual.example.test"));
    auto rsa = tls_probe(s.port1, probe("dual.example.test", {}, "rsa_pss_rsae_sha256:RSA+SHA256"));
    CHECK(ec.key_type == "EC");
    CHECK_MESSAGE(rsa.key_type == "RSA", rsa.error);
    CHECK(tls_probe(s.port1, probe("a.example.test", {"h2", "http/1.1"})).alpn == "h2");
    CHECK(tls_probe(s.port2, probe("a.example.test", {"h2", "http/1.1"})).alpn == "http/1.1");
    for (const char* name : {"a.example.test", "x.wild.example.test", "dual.example.test"}) {
        CAPTURE(name);
        auto sc = s_client(s.port1, name, s.shared.ca_file());
        CHECK_MESSAGE(sc.exit_code == 0, sc.err);
        CHECK(sc.err.find("Verification: OK") != std::string::npos);
        auto c = curl(s.port1, name, s.shared.ca_file());
        CHECK_MESSAGE(c.exit_code == 0, c.err);
        CHECK(c.out == "certa-nginx\n");
    }
    auto c = curl(s.port1, "static.example.test", s.shared.ca_file());
    CHECK(c.exit_code != 0);  // its own self-signed certificate, not the store's (CA-issued) one
    CHECK(s.nginx->error_log().find("[alert]") == std::string::npos);
}

TEST_CASE("certa_cache_size 1: every name still gets its own leaf, the others reloaded by id as needed") {
    Served s(false, "  certa_cache_size 1;\n");
    // Round robin over four certificates with one parsed at a time: each
    // handshake after the first evicts the one before (two workers, each its own cache).
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        CHECK(s.leaf_names(s.port1, "a.example.test") == Names{"a.example.test"});
        CHECK(s.leaf_names(s.port1, "x.wild.example.test") == Names{"*.wild.example.test"});
        CHECK(s.leaf_names(s.port1, "") == Names{"127.0.0.1"});
        CHECK(tls_probe(s.port1, probe("dual.example.test")).key_type == "EC");
    }
    CHECK(s.nginx->error_log().find("[alert]") == std::string::npos);
}

TEST_CASE("a renewal written by another process is served within 1 s, without reload, no handshake failing") {
    Served s;
    const std::string before = tls_probe(s.port1, probe("a.example.test")).serial;
    REQUIRE(!before.empty());
    const auto workers = s.nginx->worker_pids();
    s.shared.put({"a.example.test"}, "ec256", s.a_id);
    const auto written = std::chrono::steady_clock::now();
    int failures = 0, probes = 0;
    std::string now;
    for (; probes < 400; ++probes) {  // 4 s at most
        auto r = tls_probe(s.port1, probe("a.example.test"));
        if (!r.ok) ++failures;
        now = r.serial;
        if (r.ok && now != before) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - written);
    MESSAGE("renewal served after " << took.count() << " ms (" << probes << " probes)");
    CHECK(now != before);
    CHECK(took.count() < 1000);
    CHECK(failures == 0);
    // Every worker serves it (each has its own agent, polling on its own
    // clock, so the other worker may be one poll behind the first): 20
    // handshakes in a row get the new serial, bounded.
    int in_a_row = 0;
    for (int i = 0; i < 400 && in_a_row < 20; ++i) {
        auto r = tls_probe(s.port1, probe("a.example.test"));
        if (!r.ok) ++failures;
        in_a_row = r.serial == now ? in_a_row + 1 : 0;
        if (in_a_row == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(in_a_row == 20);
    CHECK(failures == 0);
    CHECK(s.nginx->worker_pids() == workers);  // no reload, no respawn
}

TEST_CASE("tls-alpn-01 on nginx's port: acme-tls/1 only for a pending challenge, under TLS 1.2 and 1.3") {
    Served s;
    s.shared.store().put_challenge(make_challenge_row("chal.example.test"));
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        CAPTURE(version);
        ProbeResult r;
        for (int i = 0; i < 100 && !r.acme_identifier; ++i) {  // the agents reload within ~100 ms
            r = tls_probe(s.port1, probe("chal.example.test", {"acme-tls/1"}, "", version));
            if (!r.acme_identifier) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CHECK_MESSAGE(r.ok, r.error);
        CHECK(r.alpn == "acme-tls/1");
        CHECK(r.acme_identifier);
        CHECK(r.names == Names{"chal.example.test"});
        // No challenge for a.example.test: never acme-tls/1; nginx's own ALPN decides.
        auto leaf = tls_probe(s.port1, probe("a.example.test", {"acme-tls/1", "http/1.1"}, "", version));
        CHECK(leaf.ok);
        CHECK(leaf.alpn == "http/1.1");
        CHECK(!leaf.acme_identifier);
        CHECK(!tls_probe(s.port1, probe("a.example.test", {"acme-tls/1"}, "", version)).ok);
    }
}

TEST_CASE("workers run as www-data; nginx -s reload and nginx -s stop are clean") {
    Served s;
    const auto before = s.nginx->worker_pids();
    REQUIRE(!before.empty());
    for (pid_t w : before) CHECK(NginxInstance::uid_of(w) == GroupSharedStore::www_data_uid());
    CHECK(NginxInstance::uid_of(s.nginx->master_pid()) == 0);
    auto reload = s.nginx->signal("reload");
    CHECK_MESSAGE(reload.exit_code == 0, reload.err);
    std::vector<pid_t> after;
    for (int i = 0; i < 200; ++i) {  // 10 s at most: new workers, the old ones gone
        after = s.nginx->worker_pids();
        const bool fresh = !after.empty() && std::none_of(after.begin(), after.end(), [&](pid_t p) {
            return std::find(before.begin(), before.end(), p) != before.end();
        });
        if (fresh) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(!after.empty());
    for (pid_t w : after) {
        CHECK(std::find(before.begin(), before.end(), w) == before.end());
        CHECK(NginxInstance::uid_of(w) == GroupSharedStore::www_data_uid());
    }
    CHECK(s.leaf_names(s.port1, "a.example.test") == Names{"a.example.test"});
    // A reload while www-data cannot read the store fails with one line and
    // keeps the running workers serving; -s stop still works.
    REQUIRE(::chmod(s.shared.path().c_str(), 0600) == 0);
    CHECK(s.nginx->signal("reload").exit_code == 0);
    bool refused = false;
    for (int i = 0; i < 200 && !refused; ++i) {
        refused = s.nginx->error_log().find("[emerg]") != std::string::npos;
        if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(refused);
    CHECK(s.nginx->error_log().find("www-data cannot read the store") != std::string::npos);
    CHECK(s.nginx->worker_pids() == after);
    CHECK(s.leaf_names(s.port1, "a.example.test") == Names{"a.example.test"});
    auto stop = s.nginx->signal("stop");
    CHECK_MESSAGE(stop.exit_code == 0, stop.err);
    auto exit = s.nginx->wait_exit(std::chrono::seconds(10));
    CHECK(exit.exit_code == 0);
    const std::string log = s.nginx->error_log();
    for (const char* bad : {"[alert]", "[crit]", "exited on signal"})
        CHECK_MESSAGE(log.find(bad) == std::string::npos, log);
}

namespace {

pid_t pid_in(const std::string& file) {
    std::ifstream in(file);
    long pid = 0;
    return (in >> pid) ? static_cast<pid_t>(pid) : -1;
}

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("binary upgrade (USR2, WINCH, QUIT): the new master's workers serve from the store, no handshake fails") {
    // nginx runs as a daemon, as under systemd (a foreground master ignores
    // USR2). Its masters are re-parented to this process, which reaps them.
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    Served s(true);
    const pid_t old_master = s.nginx->master_pid();
    REQUIRE(!s.nginx->worker_pids().empty());

    // Handshakes all along, in the background (bounded: 6,000, about 60 s).
    struct Prober {
        std::atomic<bool> stop{false};
        std::atomic<int> probes{0}, failures{0};
        std::string last_failure;
        std::thread thread;
        ~Prober() {
            stop = true;
            if (thread.joinable()) thread.join();
        }
    } prober;
    prober.thread = std::thread([&] {
        for (int i = 0; i < 6000 && !prober.stop; ++i) {
            auto r = tls_probe(s.port1, probe("a.example.test"));
            ++prober.probes;
            if (!r.ok || r.names != Names{"a.example.test"}) {
                ++prober.failures;
                prober.last_failure = r.error;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });

    REQUIRE(::kill(old_master, SIGUSR2) == 0);
    pid_t new_master = -1;
    std::vector<pid_t> new_workers;
    for (int i = 0; i < 300 && new_workers.empty(); ++i) {  // 15 s at most
        new_master = pid_in(s.nginx->prefix() + "/nginx.pid");
        if (new_master > 0 && new_master != old_master) new_workers = NginxInstance::workers_of(new_master);
        if (new_workers.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Whatever happens next, the new master does not outlive the test.
    struct Reaper {
        pid_t pid;
        ~Reaper() {
            if (pid > 0 && alive(pid)) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
        }
    } reaper{new_master != old_master ? new_master : -1};
    CHECK(pid_in(s.nginx->prefix() + "/nginx.pid.oldbin") == old_master);
    REQUIRE_MESSAGE(!new_workers.empty(), s.nginx->error_log());
    for (pid_t w : new_workers) CHECK(NginxInstance::uid_of(w) == GroupSharedStore::www_data_uid());

    // The old workers finish (WINCH), then the old master leaves (QUIT).
    REQUIRE(::kill(old_master, SIGWINCH) == 0);
    for (int i = 0; i < 200 && !s.nginx->worker_pids().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(s.nginx->worker_pids().empty());
    // Only the new workers answer now: still from the store.
    for (int i = 0; i < 10; ++i) CHECK(tls_probe(s.port1, probe("a.example.test")).names == Names{"a.example.test"});
    REQUIRE(::kill(old_master, SIGQUIT) == 0);
    CHECK(s.nginx->wait_exit(std::chrono::seconds(10)).exit_code == 0);
    CHECK(alive(new_master));
    CHECK(tls_probe(s.port1, probe("x.wild.example.test")).names == Names{"*.wild.example.test"});

    prober.stop = true;
    prober.thread.join();
    MESSAGE("handshakes during the upgrade: " << prober.probes.load() << ", failed: " << prober.failures.load());
    CHECK(prober.probes.load() > 10);
    CHECK_MESSAGE(prober.failures.load() == 0, prober.last_failure);

    // The new master stops cleanly; it is this process's child now.
    REQUIRE(::kill(new_master, SIGQUIT) == 0);
    int status = -1;
    for (int i = 0; i < 200; ++i) {  // 10 s at most
        if (::waitpid(new_master, &status, WNOHANG) == new_master) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    reaper.pid = -1;
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const std::string log = s.nginx->error_log();
    for (const char* bad : {"[alert]", "[crit]", "[emerg]", "exited on signal"})
        CHECK_MESSAGE(log.find(bad) == std::string::npos, log);
}
