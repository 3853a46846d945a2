// Many client threads handshake while ANOTHER PROCESS keeps renewing the
// certificates in the store: no handshake fails during the reloads, and each
// served leaf is for the name that was asked for.
#include "TlsTestPeer.hpp"
#include "StoreFiller.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace certa;
using namespace certa::test;

TEST_CASE("handshakes never fail while another process rewrites the store") {
    const char* rewriter = std::getenv("CERTA_STORE_REWRITER");
    REQUIRE_MESSAGE(rewriter, "CERTA_STORE_REWRITER is not set (run through meson test)");
    TempDir dir;
    const std::string path = dir.file("certa.db");
    std::vector<std::string> names;
    {
        auto store = storage::open_store(path);
        for (int i = 0; i < 12; ++i) {
            names.push_back("host" + std::to_string(i) + ".example.com");
            put_test_cert(*store, {names.back()});
        }
    }
    handshake::AgentOptions options;
    options.poll_interval = std::chrono::milliseconds(5);
    auto agent = handshake::Agent::open(path, options);
    auto server = make_server_ctx();
    agent->attach(server.get());
    auto client = make_client_ctx();
    const auto start_generation = agent->generation();

    std::vector<std::string> argv = {rewriter, path, "4000", "600"};
    argv.insert(argv.end(), names.begin(), names.end());
    RunResult rewrite;
    std::atomic<bool> rewriting{true};
    std::thread writer([&] {
        RunOptions o;
        o.timeout = std::chrono::milliseconds(30000);
        rewrite = run(argv, o);
        rewriting = false;
    });

    std::atomic<long> ok{0}, failed{0}, mismatched{0};
    std::mutex seen_mutex;
    std::map<std::string, std::set<std::string>> serials_seen;  // name -> serials served
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, t] {
            std::mt19937 rng(static_cast<unsigned>(t) * 7919u);
            // Bounded in count; stops early once the writer is done.
            for (int i = 0; i < 20000 && (rewriting || i < 50); ++i) {
                const std::string& name = names[rng() % names.size()];
                ClientOptions o;
                o.sni = name;
                auto r = run_handshake(server.get(), client.get(), o);
                if (!r.ok) {
                    ++failed;
                    continue;
                }
                auto sans = san_names(r.leaf.get());
                if (sans != std::vector<std::string>{name}) ++mismatched;
                else ++ok;
                std::lock_guard lock(seen_mutex);
                serials_seen[name].insert(serial_of(r.leaf.get()));
            }
        });
    }
    for (auto& c : clients) c.join();
    writer.join();

    INFO("rewriter stderr: " << rewrite.err);
    REQUIRE(rewrite.exit_code == 0);
    const long puts = std::stol(rewrite.out);
    MESSAGE("handshakes ok=" << ok.load() << " failed=" << failed.load() << " puts=" << puts
                             << " reloads=" << agent->stats().reloads);
    CHECK(failed == 0);
    CHECK(mismatched == 0);
    CHECK(ok > 0);
    CHECK(puts >= static_cast<long>(names.size()));
    CHECK(agent->generation() > start_generation);
    CHECK(agent->stats().reloads > 1);
    CHECK(agent->certificate_count() == names.size());  // replaced rows left the index
    // Renewed certificates were served while the clients were running.
    std::size_t renewed_names = 0;
    for (const auto& [name, serials] : serials_seen) renewed_names += serials.size() > 1 ? 1 : 0;
    CHECK(renewed_names > 0);
    CHECK(agent->last_reload_error().empty());
}
