// Serving agents report to the store what they have loaded (serving_agents),
// so that a tls-alpn-01 issuer waits for every `certa serve` of a fleet rather
// than a fixed 500 ms. The Agent's hooks in process, then the real daemon.
#include "ServeProcess.hpp"
#include "TlsTestPeer.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

using namespace certa;
using namespace certa::test;

namespace {

struct Fixture {
    TempDir dir;
    std::string store_path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(store_path);
};

// Polls `done` every 20 ms for at most `timeout`; returns its last answer.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int round = 0; round < 5000; ++round) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

// What an Agent's hooks saw (called from its watcher thread).
struct Recorder {
    std::mutex mutex;
    std::vector<std::int64_t> loaded;
    std::atomic<int> closed{0};
    std::int64_t last() {
        std::lock_guard lock(mutex);
        return loaded.empty() ? -1 : loaded.back();
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return loaded.size();
    }
};

}  // namespace

TEST_CASE("Agent on_loaded reports the served generation from the watcher; on_close runs once at destruction") {
    Fixture f;
    Recorder seen;
    handshake::AgentOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    options.preparse = false;
    options.on_loaded = [&seen](storage::Store&, std::int64_t generation) {
        std::lock_guard lock(seen.mutex);
        seen.loaded.push_back(generation);
    };
    options.on_close = [&seen](storage::Store&) { ++seen.closed; };
    {
        auto agent = handshake::Agent::open(f.store_path, options);
        REQUIRE(wait_until([&] { return seen.count() > 0; }, std::chrono::seconds(10)));
        CHECK(seen.last() == agent->generation());

        f.store->put_challenge(make_challenge_row("app.test"));
        const std::int64_t written = f.store->current_generation();
        CHECK(wait_until([&] { return seen.last() == written; }, std::chrono::seconds(10)));
        CHECK(agent->challenge_count() == 1);
        CHECK(seen.closed == 0);
    }
    CHECK(seen.closed == 1);
}

TEST_CASE("a report that throws is ignored: the beat repeats it and reloads go on") {
    Fixture f;
    std::atomic<int> calls{0};
    handshake::AgentOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    options.preparse = false;
    options.loaded_beat = std::chrono::milliseconds(40);
    options.on_loaded = [&calls](storage::Store&, std::int64_t) {
        ++calls;
        throw std::runtime_error("store is read-only");
    };
    options.on_close = [](storage::Store&) { throw std::runtime_error("store is read-only"); };
    auto agent = handshake::Agent::open(f.store_path, options);
    // Nothing changes in the store: only the beat calls again.
    CHECK(wait_until([&] { return calls.load() >= 3; }, std::chrono::seconds(10)));
    f.store->put_challenge(make_challenge_row("app.test"));
    CHECK(wait_until([&] { return agent->challenge_count() == 1; }, std::chrono::seconds(10)));
    CHECK(agent->stats().reload_errors == 0);
    agent.reset();  // on_close throws: the destructor swallows it
    CHECK(calls.load() >= 3);
}

TEST_CASE("an Agent opened without hooks (the embeddable library) registers nothing") {
    Fixture f;
    handshake::AgentOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    auto agent = handshake::Agent::open(f.store_path, options);
    f.store->put_challenge(make_challenge_row("app.test"));
    REQUIRE(wait_until([&] { return agent->challenge_count() == 1; }, std::chrono::seconds(10)));
    CHECK(f.store->serving_agents_seen_since(0).empty());
}

TEST_CASE("certa serve: its row carries the store's generation, follows a challenge write, and goes on SIGTERM") {
    Fixture f;
    ServeProcess serve(f.store_path, {});
    const std::int64_t initial = f.store->current_generation();
    std::vector<storage::ServingAgent> rows;
    REQUIRE(wait_until(
        [&] {
            rows = f.store->serving_agents_seen_since(0);
            return rows.size() == 1 && rows[0].loaded_generation == initial;
        },
        std::chrono::seconds(10)));
    const std::string id = rows[0].agent_id;
    CHECK(id.find("-" + std::to_string(serve.process().pid()) + "-") != std::string::npos);
    CHECK(serve.logs().find("as agent " + id) != std::string::npos);
    CHECK(rows[0].seen_at > 0);

    auto challenge = make_challenge_row("app.test");
    f.store->put_challenge(challenge);
    const std::int64_t written = f.store->current_generation();
    REQUIRE(written > initial);
    CHECK(wait_until(
        [&] {
            rows = f.store->serving_agents_seen_since(0);
            return rows.size() == 1 && rows[0].loaded_generation == written;
        },
        std::chrono::seconds(10)));
    CHECK(rows[0].agent_id == id);
    // What it reported, it serves.
    auto r = s_client(serve.port(), "app.test", "acme-tls/1");
    CHECK(first_pem(r.out) == challenge.cert_pem);

    auto stopped = serve.process().stop(SIGTERM, std::chrono::seconds(20));
    CHECK(stopped.exit_code == 0);
    CHECK(f.store->serving_agents_seen_since(0).empty());
    CHECK(serve.logs().find("agent " + id + " removed from the store") != std::string::npos);
}

TEST_CASE("two certa serve processes on one store are two agents") {
    Fixture f;
    ServeProcess a(f.store_path, {});
    ServeProcess b(f.store_path, {});
    std::vector<storage::ServingAgent> rows;
    REQUIRE(wait_until(
        [&] {
            rows = f.store->serving_agents_seen_since(0);
            return rows.size() == 2;
        },
        std::chrono::seconds(10)));
    CHECK(rows[0].agent_id != rows[1].agent_id);
    CHECK(a.process().stop(SIGTERM, std::chrono::seconds(20)).exit_code == 0);
    rows = f.store->serving_agents_seen_since(0);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].agent_id.find("-" + std::to_string(b.process().pid()) + "-") != std::string::npos);
}
