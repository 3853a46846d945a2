// The Agent's bounded parsed-material cache end to end: real stores (SQLite
// files, and PostgreSQL through PostgresHarness), real TLS handshakes from
// OpenSSL clients over BIO pairs. The bound holds under a sweep of more
// names than it holds; N threads missing one cold id cause one store read; a
// corrupt row is reported once and the handshake falls back; a renewal is
// served within the poll interval with a bounded cache; misses work on a
// read-only store; 100k unknown SNIs leave memory where it was.
#include "AgentFixture.hpp"
#include "TlsTestPeer.hpp"
#include "StoreFiller.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/PostgresHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <chrono>
#include <mutex>
#include <thread>

using namespace certa;
using namespace certa::test;
using handshake::Agent;
using handshake::AgentOptions;
using namespace std::chrono_literals;

namespace {

struct Fixture : AgentFixture {
    void start(const AgentOptions& options) { open(options); }
    HandshakeResult hello(const std::string& sni, SSL_CTX* client_ctx = nullptr) {
        return AgentFixture::hello(sni, {}, {}, client_ctx);
    }
};

AgentOptions quiet(std::size_t cache_size) {
    AgentOptions o;
    o.watch = false;  // deterministic: refresh() explicitly
    o.preparse = false;
    o.max_parsed_certificates = cache_size;
    return o;
}

}  // namespace

TEST_CASE("the cache bound holds under a sweep of more names than it holds, and every name is served") {
    Fixture f;
    std::vector<PutResult> certs;
    for (int i = 0; i < 150; ++i) certs.push_back(put_test_cert(*f.store, {"s" + std::to_string(i) + ".test"}));
    f.start(quiet(64));
    CHECK(f.agent->stats().parsed == 0);  // the load is names-only
    for (int round = 0; round < 2; ++round)
        for (std::size_t i = 0; i < certs.size(); ++i) {
            auto r = f.hello("s" + std::to_string(i) + ".test");
            REQUIRE_MESSAGE(r.ok, r.error);
            CHECK(serial_of(r.leaf.get()) == serial_of_pem(certs[i].cert.cert_pem));
            REQUIRE(f.agent->stats().parsed <= 64);
        }
    const auto s = f.agent->stats();
    CHECK(s.parsed == 64);
    CHECK(s.evictions == 2 * 150 - 64);
    CHECK(s.store_reads == 300);
    CHECK(s.cache_misses == 300);
    CHECK(s.failures == 0);
    CHECK(s.index_names == 150);
    CHECK(s.index_bytes / s.index_names < 1000);  // (a small index: mostly empty shards)
    // A hot name stays: the next handshake for the last one is a hit.
    const auto reads = s.store_reads;
    REQUIRE(f.hello("s149.test").ok);
    CHECK(f.agent->stats().store_reads == reads);
    CHECK(f.agent->stats().cache_hits == 1);
}

TEST_CASE("N threads handshaking one cold certificate cause exactly one store read") {
    Fixture f;
    const auto cert = put_test_cert(*f.store, {"cold.test"});
    put_test_cert(*f.store, {"other.test"});
    f.start(quiet(100));
    constexpr int kThreads = 8;
    std::atomic<int> ready{0}, ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            auto client = make_client_ctx();
            ++ready;
            for (int i = 0; i < 500 && ready < kThreads; ++i) std::this_thread::sleep_for(1ms);  // start together
            auto r = f.hello("cold.test", client.get());
            if (r.ok && serial_of(r.leaf.get()) == serial_of_pem(cert.cert.cert_pem)) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == kThreads);
    const auto s = f.agent->stats();
    CHECK(s.store_reads == 1);
    CHECK(s.cache_hits + s.cache_misses == kThreads);
    CHECK(s.shared_loads <= kThreads - 1);  // those that came while the one read ran waited for it
    MESSAGE("misses " << s.cache_misses << ", of which waited on the shared load " << s.shared_loads);
}

TEST_CASE("a corrupt row is reported once and the handshake falls back to another candidate or the default") {
    Fixture f;
    const auto good = put_test_cert(*f.store, {"fall.test"}, "ec256", {}, -3600);
    const auto bad = put_test_cert(*f.store, {"fall.test"}, "ec256", {}, -60);  // newer: tried first
    const auto only = put_test_cert(*f.store, {"only.test"});
    const auto dflt = put_test_cert(*f.store, {"default.test"});
    f.corrupt_chain(bad.id);
    f.corrupt_chain(only.id);
    std::mutex m;
    std::vector<std::pair<std::int64_t, std::string>> reports;
    AgentOptions o = quiet(100);
    o.default_name = "default.test";
    o.on_load_error = [&](std::int64_t id, const std::string& message) {
        std::lock_guard lock(m);
        reports.emplace_back(id, message);
    };
    f.start(o);
    for (int i = 0; i < 5; ++i) {
        auto r = f.hello("fall.test");
        REQUIRE_MESSAGE(r.ok, r.error);
        CHECK(serial_of(r.leaf.get()) == serial_of_pem(good.cert.cert_pem));
        auto d = f.hello("only.test");
        REQUIRE_MESSAGE(d.ok, d.error);
        CHECK(serial_of(d.leaf.get()) == serial_of_pem(dflt.cert.cert_pem));
    }
    REQUIRE(reports.size() == 2);  // once per bad row, not once per handshake
    CHECK(reports[0].first == bad.id);
    CHECK(reports[1].first == only.id);
    CHECK(reports[0].second.find("does not parse") != std::string::npos);
    CHECK(reports[0].second.find("PRIVATE") == std::string::npos);
    const auto s = f.agent->stats();
    CHECK(s.load_failures == 2);
    CHECK(s.negative_cached == 2);
    CHECK(s.failures == 0);

    // Without a default name the corrupt-only name gets the alert, never a crash.
    Fixture g;
    const auto lone = put_test_cert(*g.store, {"lone.test"});
    g.corrupt_chain(lone.id);
    g.start(quiet(100));
    auto r = g.hello("lone.test");
    CHECK_FALSE(r.ok);
    CHECK(g.agent->stats().failures == 1);
}

TEST_CASE("a renewal is served within the poll interval with a bounded cache") {
    Fixture f;
    for (int i = 0; i < 100; ++i) put_test_cert(*f.store, {"fill" + std::to_string(i) + ".test"});
    const auto old_cert = put_test_cert(*f.store, {"renew.test"});
    AgentOptions o;
    o.max_parsed_certificates = 64;
    o.poll_interval = 50ms;
    f.start(o);
    auto r = f.hello("renew.test");
    REQUIRE(r.ok);
    CHECK(serial_of(r.leaf.get()) == serial_of_pem(old_cert.cert.cert_pem));
    const auto renewed = put_test_cert(*f.store, {"renew.test"}, "ec256", old_cert.id);
    const auto t0 = std::chrono::steady_clock::now();
    bool swapped = false;
    for (int i = 0; i < 200 && !swapped; ++i) {  // bounded: 2 s
        auto again = f.hello("renew.test");
        REQUIRE(again.ok);
        swapped = serial_of(again.leaf.get()) == serial_of_pem(renewed.cert.cert_pem);
        if (!swapped) std::this_thread::sleep_for(10ms);
    }
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(swapped);
    MESSAGE("renewal served after " << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms");
    CHECK(waited < 1s);  // a poll interval (50 ms) and the handshakes, with room for a loaded machine
    CHECK(f.agent->stats().parsed <= 64);
}

TEST_CASE("misses read a read-only store") {
    Fixture f;
    const auto cert = put_test_cert(*f.store, {"ro.test"});
    f.store.reset();
    ::chmod(f.path.c_str(), 0400);
    struct stat before {};
    REQUIRE(::stat(f.path.c_str(), &before) == 0);
    AgentOptions o = quiet(100);
    o.read_only = true;
    f.start(o);
    auto r = f.hello("ro.test");
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(serial_of(r.leaf.get()) == serial_of_pem(cert.cert.cert_pem));
    CHECK(f.agent->stats().store_reads == 1);
    struct stat after {};
    REQUIRE(::stat(f.path.c_str(), &after) == 0);
    CHECK((after.st_mode & 07777) == 0400);
}

TEST_CASE("100k unknown SNIs: no state per name, memory stays where it was") {
    Fixture f;
    put_test_cert(*f.store, {"known.test"});
    f.start(quiet(100));
    REQUIRE(f.hello("known.test").ok);
    // The ClientHello callback alone (a ClientHello record fed to a server
    // SSL, feed_server): 100k real handshakes would take minutes.
    constexpr int kNames = 100000;
    auto one = [&](int i) {
        const auto r = feed_server(f.server.get(), make_client_hello({{0x0000, sni_body("u" + std::to_string(i) + ".flood.test")}}));
        REQUIRE_FALSE(r.accepted);
    };
    for (int i = 0; i < 1000; ++i) one(i);  // warm-up: OpenSSL's own one-time allocations
    const auto heap0 = mallinfo2().uordblks;
    for (int i = 1000; i < 1000 + kNames; ++i) one(i);
    const auto heap1 = mallinfo2().uordblks;
    const auto s = f.agent->stats();
    CHECK(s.unknown_name >= kNames);
    CHECK(s.negative_cached == 0);
    CHECK(s.parsed == 1);
    MESSAGE("heap growth after " << kNames << " unknown SNIs: " << (static_cast<long>(heap1) - static_cast<long>(heap0)) << " bytes");
    CHECK(static_cast<long>(heap1) - static_cast<long>(heap0) < 1024 * 1024);
}

TEST_CASE("PostgreSQL: misses read by id through the agent's own connections; concurrent misses on other ids proceed") {
    const std::string url = PostgresHarness::shared().create_database();
    auto writer = storage::open_store(url);
    std::vector<PutResult> certs;
    for (int i = 0; i < 8; ++i) certs.push_back(put_test_cert(*writer, {"pg" + std::to_string(i) + ".test"}));
    auto server = make_server_ctx();
    AgentOptions o = quiet(100);
    auto agent = Agent::open(url, o);
    agent->attach(server.get());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            auto client = make_client_ctx();
            ClientOptions co;
            co.sni = "pg" + std::to_string(t) + ".test";
            auto r = run_handshake(server.get(), client.get(), co);
            if (r.ok && serial_of(r.leaf.get()) == serial_of_pem(certs[static_cast<std::size_t>(t)].cert.cert_pem)) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 8);
    CHECK(agent->stats().store_reads == 8);
    CHECK(agent->stats().parsed == 8);
}
