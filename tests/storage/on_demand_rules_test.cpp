// The on-demand allow/deny list (on_demand_rules) and the failed-request view
// the gates read (failed_issuance_requests). Runs against SQLite and
// PostgreSQL (StoreBackend).
#include "StoreBackend.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <ctime>

using certa::test::StoreBackend;
using namespace certa;

namespace {

storage::OnDemandRule rule(const std::string& pattern, bool deny) {
    storage::OnDemandRule r;
    r.pattern = pattern;
    r.deny = deny;
    return r;
}

}  // namespace

TEST_CASE("rules are kept per pattern, replaced, listed in order and removed") {
    StoreBackend backend;
    auto a = backend.open();
    auto b = backend.open();
    CHECK(a->list_on_demand_rules().empty());
    a->put_on_demand_rule(rule("*.shop.example", false));
    a->put_on_demand_rule(rule("bad.shop.example", true));
    a->put_on_demand_rule(rule("a.example", false));
    auto rules = b->list_on_demand_rules();
    REQUIRE(rules.size() == 3);
    CHECK(rules[0].pattern == "*.shop.example");
    CHECK_FALSE(rules[0].deny);
    CHECK(rules[1].pattern == "a.example");
    CHECK(rules[2].pattern == "bad.shop.example");
    CHECK(rules[2].deny);
    CHECK(rules[2].created > 0);
    // Same pattern again: replaced, not duplicated.
    b->put_on_demand_rule(rule("a.example", true));
    rules = a->list_on_demand_rules();
    REQUIRE(rules.size() == 3);
    CHECK(rules[1].deny);
    CHECK(a->remove_on_demand_rule("a.example"));
    CHECK_FALSE(a->remove_on_demand_rule("a.example"));
    CHECK(b->list_on_demand_rules().size() == 2);
}

TEST_CASE("a rule change moves the generation, so agents notice it") {
    StoreBackend backend;
    auto writer = backend.open();
    auto reader = backend.open();
    const auto before = reader->current_generation();
    writer->put_on_demand_rule(rule("x.example", false));
    const auto after_put = reader->current_generation();
    CHECK(after_put > before);
    CHECK(writer->remove_on_demand_rule("x.example"));
    CHECK(reader->current_generation() > after_put);
}

TEST_CASE("failed requests still backing off are listed for the gates; due ones and fresh ones are not") {
    StoreBackend backend;
    auto store = backend.open();
    const auto now = certa::storage::unix_now();
    REQUIRE(store->request_issuance("fresh.example", "issue"));
    REQUIRE(store->request_issuance("failed.example", "issue"));
    REQUIRE(store->request_issuance("retry-now.example", "renew"));
    CHECK(store->fail_issuance_request("failed.example", "urn:ietf:params:acme:error:rejectedIdentifier", now + 600));
    CHECK(store->fail_issuance_request("retry-now.example", "timeout", now - 1));
    auto other = backend.open();  // another host sharing the store
    auto failed = other->failed_issuance_requests(0);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].name == "failed.example");
    CHECK(failed[0].attempts == 1);
    CHECK(failed[0].next_attempt == now + 600);
    CHECK(failed[0].last_error.find("rejectedIdentifier") != std::string::npos);
    CHECK(other->finish_issuance_request("failed.example"));
    CHECK(other->failed_issuance_requests(0).empty());
}
