// The serving_agents table: `certa serve` processes report the generation
// they have loaded; a tls-alpn-01 issuer reads who is live and how far each
// got. Runs against SQLite and PostgreSQL (StoreBackend).
#include "StoreBackend.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <ctime>

using certa::test::StoreBackend;
using namespace certa;

namespace {

storage::Challenge tls_alpn_row(const std::string& name) {
    storage::Challenge c;
    c.type = storage::ChallengeType::TlsAlpn01;
    c.identifier = name;
    c.token = "tok-" + name;
    c.key_authorization = "ka";
    c.expires = certa::storage::unix_now() + 600;
    return c;
}

}  // namespace

TEST_CASE("agents report their generation; another connection reads them in agent order") {
    StoreBackend backend;
    auto agent = backend.open();
    auto issuer = backend.open();
    const storage::UnixTime now = certa::storage::unix_now();
    CHECK(issuer->serving_agents_seen_since(0).empty());
    agent->report_loaded_generation("host-b-2-ff", 7, now);
    agent->report_loaded_generation("host-a-1-ee", 3, now - 1);
    auto rows = issuer->serving_agents_seen_since(now - 30);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].agent_id == "host-a-1-ee");
    CHECK(rows[0].loaded_generation == 3);
    CHECK(rows[0].seen_at == now - 1);
    CHECK(rows[1].agent_id == "host-b-2-ff");
    CHECK(rows[1].loaded_generation == 7);
    // A new report replaces the agent's row (one row per agent).
    agent->report_loaded_generation("host-a-1-ee", 9, now);
    rows = issuer->serving_agents_seen_since(now - 30);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].loaded_generation == 9);
    CHECK(rows[0].seen_at == now);
}

TEST_CASE("agents not seen since the given time are left out") {
    StoreBackend backend;
    auto store = backend.open();
    const storage::UnixTime now = certa::storage::unix_now();
    store->report_loaded_generation("stale", 1, now - 120);
    store->report_loaded_generation("live", 2, now - 5);
    auto rows = store->serving_agents_seen_since(now - 30);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].agent_id == "live");
    CHECK(store->serving_agents_seen_since(now - 121).size() == 2);
    // The boundary is inclusive.
    CHECK(store->serving_agents_seen_since(now - 5).size() == 1);
}

TEST_CASE("a removed agent is gone; removing it twice reports nothing removed") {
    StoreBackend backend;
    auto store = backend.open();
    auto other = backend.open();
    const storage::UnixTime now = certa::storage::unix_now();
    store->report_loaded_generation("a", 1, now);
    store->report_loaded_generation("b", 1, now);
    CHECK(store->remove_serving_agent("a"));
    CHECK_FALSE(store->remove_serving_agent("a"));
    auto rows = other->serving_agents_seen_since(0);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].agent_id == "b");
}

TEST_CASE("reports do not move the generation (agents would reload on each other's beats)") {
    StoreBackend backend;
    auto agent = backend.open();
    auto reader = backend.open();
    const auto before = reader->current_generation();
    agent->report_loaded_generation("a", before, certa::storage::unix_now());
    CHECK(agent->remove_serving_agent("a"));
    CHECK(reader->current_generation() == before);
    CHECK(agent->current_generation() == before);
}

TEST_CASE("the writer's generation after a challenge write is what an agent must reach") {
    StoreBackend backend;
    auto issuer = backend.open();
    auto agent = backend.open();
    const auto before = issuer->current_generation();
    issuer->put_challenge(tls_alpn_row("a.example"));
    const auto written = issuer->current_generation();
    CHECK(written > before);
    // The agent's view reaches it, and that is what it reports.
    CHECK(agent->current_generation() == written);
    agent->report_loaded_generation("a", agent->current_generation(), certa::storage::unix_now());
    auto rows = issuer->serving_agents_seen_since(0);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].loaded_generation >= written);
}
