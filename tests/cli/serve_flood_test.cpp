// `certa serve` under a flood of stalled ClientHellos from 64 source addresses
// (issue #21, item 3): each address holds as many connections as serve lets
// it, with partial ClientHellos, and re-connects whatever serve closes. A
// fresh address still completes a TLS handshake within 1 s, and Pebble still
// validates a tls-alpn-01 challenge through serve. Real Pebble, real serve,
// loopback only; limits made small (256 in all, 16 per client) to stay quick.
#include "storage/Store.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/handshake/StalledHelloFlood.hpp"
#include "tests/handshake/StoreFiller.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace certa;
using namespace certa::test;

namespace {

constexpr int kMaxConnections = 256;
constexpr int kPerClient = 16;
constexpr int kSources = 64;  // 127.0.0.2 to 127.0.0.65

std::string describe(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

}  // namespace

TEST_CASE("64 addresses hold stalled ClientHellos: a fresh address handshakes within 1 s, Pebble validates") {
    // 1,024 flood sockets here, up to 256 in serve (which inherits the limit).
    REQUIRE(raise_fd_limit(8192) >= 2048);
    PebbleHarness pebble;
    TempDir dir;
    const std::string store_path = dir.file("certa.db");
    auto store = storage::open_store(store_path);
    const auto leaf = put_test_cert(*store, {"fresh.test"});
    ServeProcess serve(store_path,
                       {"--listen", "127.0.0.1:" + std::to_string(pebble.tlsalpn01_port()), "--max-connections",
                        std::to_string(kMaxConnections), "--max-connections-per-client", std::to_string(kPerClient)},
                       "info");
    bool registered = false;
    for (int i = 0; i < 500 && !registered; ++i) {  // the agent reports to the store (bounded: 10 s)
        registered = store->serving_agents_seen_since(0).size() == 1;
        if (!registered) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(registered);

    StalledHelloOptions options;
    options.port = serve.port();
    options.sources = loopback_sources(2, kSources);
    options.per_source = kPerClient;
    options.lifetime = std::chrono::seconds(120);
    StalledHelloFlood flood(options);
    // The flood fills serve's table (at least 90% of it held open, two rounds running).
    REQUIRE_MESSAGE(flood.wait_holding(kMaxConnections * 9 / 10, std::chrono::seconds(20)),
                    "held " << flood.open());

    // A fresh address (127.0.0.1) gets a full TLS handshake, within 1 s.
    const auto started = std::chrono::steady_clock::now();
    const RunResult hello = s_client(serve.port(), "fresh.test");
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK_MESSAGE(first_pem(hello.out) == leaf.cert.cert_pem, describe(hello));
    CHECK(took < std::chrono::seconds(1));

    // Pebble's validator (from 127.0.0.1) reaches the challenge certificate through the flood.
    RunOptions run_options;
    run_options.timeout = std::chrono::seconds(120);
    const RunResult issued = run_certa({"--store", store_path, "issue", "--server", pebble.directory_url(),
                                        "--ca-bundle", pebble.ca_bundle_path(), "--agree-tos", "--challenge",
                                        "tls-alpn-01", "-d", "flooded.example.com"},
                                       run_options);
    CHECK_MESSAGE(issued.exit_code == 0, describe(issued) << "\nserve: " << serve.logs());
    CHECK(store->find_active_certificate("flooded.example.com"));
    // The flood held all along: serve closed many (timeouts shortened under
    // pressure, evictions, refusals over the share) and they came back.
    CHECK(flood.open() >= kMaxConnections * 9 / 10);
    CHECK(flood.closed_by_server() > 0);
}
