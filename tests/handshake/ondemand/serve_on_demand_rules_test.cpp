// `certa serve --on-demand` applies the allow/deny list kept in the store
// (`certa ondemand ...`) live: a change made by another process is picked up
// through change detection, without a restart, and a deny rule beats any
// allow. No CA here: serve only records requests (no --server), and a
// recorded request is how an allowed name shows.
#include "ServeProcess.hpp"
#include "tests/support/TempDir.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace certa;
using namespace certa::test;
using namespace std::chrono_literals;

namespace {

struct RulesFixture {
    RulesFixture() : store(dir.file("certa.db")) {
        serve = std::make_unique<ServeProcess>(store, std::vector<std::string>{"--on-demand", "--allow", "*.cli.example",
                                                                               "--on-demand-wait", "1"});
    }
    bool requested(const std::string& name) const {
        for (const auto& r : storage::open_store(store)->due_issuance_requests(0))
            if (r.name == name) return true;
        return false;
    }
    // A handshake for `name`, then (bounded) until its request is in the store.
    bool handshake_requests(const std::string& name) const {
        s_client(serve->port(), name);
        for (int i = 0; i < 100; ++i) {
            if (requested(name)) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
    // `certa ondemand ARGS...`, then waits until serve logged `rules` (its
    // view of the stored list after the change).
    void change(const std::vector<std::string>& args, const std::string& rules) const {
        std::vector<std::string> argv{"--store", store, "ondemand"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run_certa(argv);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        REQUIRE_MESSAGE(serve->wait_for_log("on-demand: stored rules: " + rules + "\n", 10s), serve->logs());
    }

    TempDir dir;
    std::string store;
    std::unique_ptr<ServeProcess> serve;
};

}  // namespace

TEST_CASE("stored allow and deny rules apply to a running serve; deny beats allow; removal restores") {
    RulesFixture f;
    CHECK(f.handshake_requests("a.cli.example"));  // --allow on the command line

    f.change({"deny", "b.cli.example"}, "allow [] deny [b.cli.example]");
    s_client(f.serve->port(), "b.cli.example");
    // Requests are written in order: once c's is there, b's would be too.
    CHECK(f.handshake_requests("c.cli.example"));
    CHECK_FALSE(f.requested("b.cli.example"));

    CHECK_FALSE(f.handshake_requests("x.store.example"));  // not allowed anywhere yet
    f.change({"allow", "*.store.example"}, "allow [*.store.example] deny [b.cli.example]");
    CHECK(f.handshake_requests("x.store.example"));

    f.change({"deny", "y.store.example"}, "allow [*.store.example] deny [b.cli.example, y.store.example]");
    s_client(f.serve->port(), "y.store.example");
    CHECK(f.handshake_requests("z.store.example"));
    CHECK_FALSE(f.requested("y.store.example"));

    f.change({"remove", "b.cli.example"}, "allow [*.store.example] deny [y.store.example]");
    CHECK(f.handshake_requests("b.cli.example"));
    CHECK_FALSE(f.requested("y.store.example"));
}
