// `certa serve --on-demand --ask URL` against a real Pebble and a loopback
// ask endpoint (AskServer), and failures recorded in the store feeding every
// gate's negative cache.
#include "AskServer.hpp"
#include "OnDemandFixture.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace certa;
using namespace certa::test;
using namespace std::chrono_literals;

namespace {

bool has_request(storage::Store& store, const std::string& name) {
    for (const auto& r : store.due_issuance_requests(0))
        if (r.name == name) return true;
    for (const auto& r : store.failed_issuance_requests(0))
        if (r.name == name) return true;
    return false;
}

// serve logs this when a handshake waited --on-demand-wait in vain; a name
// refused up front (or as soon as a refusal is known) never gets there. The
// tests wait 15 s, less than s_client's 20 s bound, so a handshake that was
// not refused early would get there.
bool waited_in_vain(const ServeProcess& serve, const std::string& name) {
    return serve.logs().find("on-demand certificate for " + name + " did not arrive in time") != std::string::npos;
}

}  // namespace

TEST_CASE("--ask: 200 gets a certificate, 403 gets no order and a quick refusal, answers are cached") {
    AskServer ask({"yes.asked.example.com"});
    OnDemandFixture f({}, {"--on-demand-wait", "15"}, {"--ask", ask.url()});

    auto leaf = leaf_for(f.serve->port(), "yes.asked.example.com");
    REQUIRE_MESSAGE(leaf, f.serve->logs());
    auto names = san_names(leaf.get());
    CHECK(std::find(names.begin(), names.end(), "yes.asked.example.com") != names.end());
    CHECK(ask.asked("yes.asked.example.com") == 1);
    CHECK(leaf_for(f.serve->port(), "yes.asked.example.com"));  // served from the store, not asked again
    CHECK(ask.asked("yes.asked.example.com") == 1);

    CHECK_FALSE(leaf_for(f.serve->port(), "no.asked.example.com"));
    CHECK(ask.asked("no.asked.example.com") == 1);
    CHECK_FALSE(waited_in_vain(*f.serve, "no.asked.example.com"));
    CHECK_FALSE(leaf_for(f.serve->port(), "no.asked.example.com"));
    CHECK(ask.asked("no.asked.example.com") == 1);  // the refusal is cached

    auto store = f.open();
    CHECK_FALSE(has_request(*store, "no.asked.example.com"));
    CHECK(f.all_for("no.asked.example.com").empty());
    CHECK(count_events(*store, "issued") == 1);
    CHECK(count_events(*store, "failed") == 0);
}

TEST_CASE("--ask endpoint down: the name is refused, no request and no order") {
    AskServer ask({"down.asked.example.com"});
    OnDemandFixture f({}, {"--on-demand-wait", "15"}, {"--ask", ask.url()});
    ask.stop();
    CHECK_FALSE(leaf_for(f.serve->port(), "down.asked.example.com"));
    CHECK(f.serve->wait_for_log("down.asked.example.com refused by the external check", 10s));
    CHECK_FALSE(waited_in_vain(*f.serve, "down.asked.example.com"));
    auto store = f.open();
    CHECK_FALSE(has_request(*store, "down.asked.example.com"));
    CHECK(f.all_for("down.asked.example.com").empty());
    CHECK(store->list_events(0, 0).empty());
}

TEST_CASE("an order that failed on one host is refused by every gate sharing the store until its retry time") {
    // Host B issues, but does not listen on Pebble's tls-alpn-01 port: every
    // validation fails. Host A only records requests (no --server).
    PebbleHarness pebble;
    TempDir dir;
    const std::string store = dir.file("certa.db");
    const std::vector<std::string> policy{"--on-demand", "--allow", "*.fail.example.com", "--on-demand-wait", "15"};
    std::vector<std::string> b_args = policy;
    for (const std::string& arg : std::vector<std::string>{"--server", pebble.directory_url(), "--ca-bundle",
                                                            pebble.ca_bundle_path(), "--agree-tos"})
        b_args.push_back(arg);
    ServeProcess b(store, b_args);
    ServeProcess a(store, policy);
    const std::string name = "x.fail.example.com";

    // A's handshake waits; B's order fails and is recorded; A refuses the name
    // as soon as it reads the failure, before its wait runs out.
    CHECK_FALSE(leaf_for(a.port(), name));
    auto db = storage::open_store(store);
    auto failed = db->failed_issuance_requests(0);
    REQUIRE_MESSAGE(failed.size() == 1, b.logs());
    CHECK(failed[0].name == name);
    CHECK(failed[0].attempts == 1);
    CHECK(failed[0].next_attempt > certa::storage::unix_now());
    CHECK_FALSE(waited_in_vain(a, name));
    CHECK(count_events(*db, "failed") == 1);

    // B's own gate never saw the name: it refuses it from the store too, and
    // no second order is made.
    CHECK_FALSE(leaf_for(b.port(), name));
    CHECK_FALSE(waited_in_vain(b, name));
    CHECK(count_events(*db, "failed") == 1);
    CHECK(db->due_issuance_requests(0).empty());
    CHECK(db->list_certificates({true, ""}).empty());
}
