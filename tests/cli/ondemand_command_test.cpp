// `certa ondemand allow|deny|remove|list`: the on-demand allow/deny list kept
// in the store (read back through the Store interface and `list --json`).
#include "CliTestUtil.hpp"

#include <cpprest/json.h>
#include <doctest/doctest.h>

using namespace certa;
using namespace certa::test;
using namespace certa::test::cli;

TEST_CASE("allow, deny, list, replace and remove rules") {
    TempDir dir;
    auto empty = certa_in(dir, {"ondemand", "list"});
    CHECK(empty.exit_code == 0);
    CHECK(empty.out.find("no on-demand rules") != std::string::npos);

    auto allow = certa_in(dir, {"ondemand", "allow", "*.Shop.Example."});
    REQUIRE_MESSAGE(allow.exit_code == 0, allow.err);
    CHECK(allow.out == "allowed *.shop.example for on-demand issuance\n");
    auto deny = certa_in(dir, {"ondemand", "deny", "bad.shop.example"});
    REQUIRE_MESSAGE(deny.exit_code == 0, deny.err);

    auto store = storage::open_store(dir.file("certa.db"));
    auto rules = store->list_on_demand_rules();
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].pattern == "*.shop.example");
    CHECK_FALSE(rules[0].deny);
    CHECK(rules[1].pattern == "bad.shop.example");
    CHECK(rules[1].deny);

    auto table = certa_in(dir, {"ondemand", "list"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("*.shop.example") != std::string::npos);
    CHECK(table.out.find("deny") != std::string::npos);

    // The same pattern again replaces its rule.
    REQUIRE(certa_in(dir, {"ondemand", "deny", "*.shop.example"}).exit_code == 0);
    auto json = certa_in(dir, {"ondemand", "list", "--json"});
    REQUIRE_MESSAGE(json.exit_code == 0, json.err);
    auto v = web::json::value::parse(json.out);
    const auto& items = v.at("rules").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items.at(0).at("pattern").as_string() == "*.shop.example");
    CHECK(items.at(0).at("action").as_string() == "deny");
    CHECK(items.at(1).at("action").as_string() == "deny");
    CHECK(v.at("store").as_string() == dir.file("certa.db"));

    auto removed = certa_in(dir, {"ondemand", "remove", "BAD.shop.example"});
    CHECK(removed.exit_code == 0);
    CHECK(store->list_on_demand_rules().size() == 1);
    auto missing = certa_in(dir, {"ondemand", "remove", "bad.shop.example"});
    CHECK(missing.exit_code == 4);
    CHECK(line_count(missing.err) == 1);
    CHECK(missing.err.find("no on-demand rule for bad.shop.example") != std::string::npos);
}

TEST_CASE("patterns that are not DNS names are refused with a usage error and nothing is stored") {
    TempDir dir;
    for (const std::string bad : {"192.0.2.1", "*", "a..example", "*.*.example", "bad name.example", "a.*.example"}) {
        CAPTURE(bad);
        auto r = certa_in(dir, {"ondemand", "allow", bad});
        CHECK(r.exit_code == 2);
        CHECK(line_count(r.err) == 1);
    }
    CHECK(storage::open_store(dir.file("certa.db"))->list_on_demand_rules().empty());
    CHECK(certa_in(dir, {"ondemand"}).exit_code == 2);  // a subcommand is required
}
