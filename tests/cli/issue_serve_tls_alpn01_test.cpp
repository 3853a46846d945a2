// `certa issue --challenge tls-alpn-01` answered by a separate `certa serve`
// on Pebble's tls-alpn-01 port: the issuer tells the CA to validate once the
// serving agents registered in the store confirm they loaded the challenge
// (serving_agents), instead of a fixed 500 ms. Real Pebble, loopback only.
#include "storage/Store.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/support/LoopbackSocket.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <csignal>
#include <ctime>
#include <thread>

using namespace certa;
using namespace certa::test;

namespace {

constexpr const char* kConfirmed = "serving agent(s) confirmed generation";
constexpr const char* kNoAgents = "no serving agent reported in the last";
constexpr const char* kCapped = "have not loaded generation";

struct Fixture {
    PebbleHarness pebble;
    TempDir dir;
    std::string store_path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(store_path);

    RunResult issue(const std::vector<std::string>& extra) const {
        std::vector<std::string> args{"--store", store_path, "--log-level", "debug", "issue", "--server",
                                      pebble.directory_url(), "--ca-bundle", pebble.ca_bundle_path(),
                                      "--agree-tos", "--challenge", "tls-alpn-01"};
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions options;
        options.timeout = std::chrono::seconds(120);
        return run_certa(args, options);
    }

    // `certa serve` answering on Pebble's tls-alpn-01 port (and a free one).
    std::unique_ptr<ServeProcess> serve() const {
        return std::make_unique<ServeProcess>(
            store_path, std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(pebble.tlsalpn01_port())});
    }

    // Waits (bounded) until `n` agents have reported.
    bool agents_registered(std::size_t n) const {
        for (int round = 0; round < 500; ++round) {
            if (store->serving_agents_seen_since(0).size() == n) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
};

std::string describe(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

}  // namespace

TEST_CASE("issue via a registered certa serve: the agent confirms the challenge generation, then Pebble validates") {
    Fixture f;
    auto serve = f.serve();
    REQUIRE(f.agents_registered(1));
    auto r = f.issue({"-d", "alpn.example.com", "-d", "www.alpn.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK_MESSAGE(r.err.find(kConfirmed) != std::string::npos, describe(r));
    CHECK(r.err.find(kNoAgents) == std::string::npos);
    CHECK(r.err.find(kCapped) == std::string::npos);
    auto cert = f.store->find_active_certificate("www.alpn.example.com");
    REQUIRE(cert);
    CHECK(f.pebble.cert_status(cert->serial_hex) == "Valid");
    CHECK_MESSAGE(f.store->active_challenges(storage::ChallengeType::TlsAlpn01).empty(), describe(r));
    // Only the daemon listens on Pebble's port: the issuer started no responder of its own.
    CHECK(r.err.find("tls-alpn-01 responder listening") == std::string::npos);
    // The agent still reports, and leaves on SIGTERM.
    CHECK(serve->process().stop(SIGTERM, std::chrono::seconds(20)).exit_code == 0);
    CHECK(f.store->serving_agents_seen_since(0).empty());
}

TEST_CASE("one host holding its whole per-client share of serve's connections: Pebble still validates") {
    Fixture f;
    ServeProcess serve(f.store_path, {"--listen", "127.0.0.1:" + std::to_string(f.pebble.tlsalpn01_port()),
                                      "--max-connections-per-client", "4", "--first-byte-timeout", "60"});
    REQUIRE(f.agents_registered(1));
    std::vector<int> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(connect_from("127.0.0.2", serve.port()));
        REQUIRE(serve.wait_accepted(held.back()));  // taken in order: the fifth is the one over the cap
    }
    const int over = connect_from("127.0.0.2", serve.port());
    CHECK(closed_by_server(over));  // 127.0.0.2 is at its cap
    ::close(over);
    auto r = f.issue({"-d", "flooded.example.com"});  // Pebble's validator connects from 127.0.0.1
    CHECK_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(f.store->find_active_certificate("flooded.example.com"));
    for (int fd : held) ::close(fd);
}

TEST_CASE("an agent that never catches up is waited for up to the cap, then the CA is asked anyway") {
    Fixture f;
    auto serve = f.serve();
    REQUIRE(f.agents_registered(1));
    // A live-looking agent stuck at generation 0 (a host that stopped polling).
    f.store->report_loaded_generation("stuck-host-1-00", 0, storage::unix_now() + 60);
    auto r = f.issue({"-d", "stuck.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK_MESSAGE(r.err.find(kCapped) != std::string::npos, describe(r));
    CHECK(r.err.find(kConfirmed) == std::string::npos);
    CHECK(f.store->find_active_certificate("stuck.example.com"));
}

TEST_CASE("with only agents not seen for a while, the issuer falls back to the fixed wait") {
    Fixture f;
    f.store->report_loaded_generation("gone-host-1-00", 0, storage::unix_now() - 600);
    // Nothing answers on Pebble's port: the order fails, but only after the fallback wait.
    auto r = f.issue({"-d", "gone.example.com"});
    CHECK_MESSAGE(r.exit_code != 0, describe(r));
    CHECK_MESSAGE(r.err.find(kNoAgents) != std::string::npos, describe(r));
    CHECK(r.err.find(kConfirmed) == std::string::npos);
}

TEST_CASE("issue --tls-port refreshes its own responder: neither the confirmation nor the fixed wait") {
    Fixture f;
    auto r = f.issue({"--tls-port", std::to_string(f.pebble.tlsalpn01_port()), "-d", "own.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(r.err.find(kConfirmed) == std::string::npos);
    CHECK(r.err.find(kNoAgents) == std::string::npos);
    CHECK(f.store->serving_agents_seen_since(0).empty());
}
