// Schema v6 operations on both backends: deploy_pending is written with the
// row and set on its own; edit_settings is one read-modify-write transaction
// (two writers never lose an edit); the store's time comes from
// OpenOptions::clock (a lease expires when a ManualClock moves past it).
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <thread>

using namespace certa::storage;
using certa::test::input_for;
using certa::test::StoreBackend;

namespace {

// The ';'-separated entries of a test settings text.
std::set<std::string> entries(const std::string& text) {
    std::set<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ';');)
        if (!item.empty()) out.insert(item);
    return out;
}

}  // namespace

TEST_CASE("deploy_pending is stored with the row and set on its own") {
    StoreBackend backend;
    auto store = backend.open();
    auto input = input_for(certa::test::make_self_signed({"deploy.example"}));
    input.deploy_pending = true;
    std::int64_t pending = store->put_certificate(input);
    std::int64_t plain = store->put_certificate(input_for(certa::test::make_self_signed({"plain.example"})));
    CHECK(store->get_certificate(pending)->deploy_pending);
    CHECK_FALSE(store->get_certificate(plain)->deploy_pending);

    std::int64_t before = store->current_generation();
    store->set_deploy_pending(pending, false);
    CHECK_FALSE(store->get_certificate(pending)->deploy_pending);
    CHECK(store->current_generation() == before + 1);
    CHECK(store->get_certificate(pending)->generation == before + 1);
    store->set_deploy_pending(plain, true);
    CHECK(store->get_certificate(plain)->deploy_pending);
    CHECK(store->list_certificates({}).size() == 2);

    try {
        store->set_deploy_pending(9999, true);
        FAIL("set_deploy_pending accepted an unknown id");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::NotFound);
        CHECK(std::string(e.what()) == "no certificate with id 9999");
    }
}

TEST_CASE("edit_settings rewrites settings_json in one transaction and returns the new text") {
    StoreBackend backend;
    auto store = backend.open();
    auto input = input_for(certa::test::make_self_signed({"edit.example"}));
    input.settings_json = R"({"challenge":"http-01"})";
    std::int64_t id = store->put_certificate(input);
    std::int64_t before = store->current_generation();

    std::string seen;
    std::string result = store->edit_settings(id, [&](const std::string& old) {
        seen = old;
        return std::string(R"({"challenge":"dns-01"})");
    });
    CHECK(seen == R"({"challenge":"http-01"})");
    CHECK(result == R"({"challenge":"dns-01"})");
    CHECK(store->get_certificate(id)->settings_json == result);
    CHECK(store->current_generation() == before + 1);

    // An edit that changes nothing writes nothing.
    CHECK(store->edit_settings(id, [](const std::string& old) { return old; }) == result);
    CHECK(store->current_generation() == before + 1);

    // An exception from the edit leaves the row as it was.
    CHECK_THROWS_AS(store->edit_settings(id, [](const std::string&) -> std::string { throw std::runtime_error("no"); }),
                    std::runtime_error);
    CHECK(store->get_certificate(id)->settings_json == result);

    try {
        store->edit_settings(4242, [](const std::string& old) { return old + "x"; });
        FAIL("edit_settings accepted an unknown id");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::NotFound);
        CHECK(std::string(e.what()) == "no certificate with id 4242");
    }
}

TEST_CASE("two writers editing the same settings concurrently lose no entry") {
    StoreBackend backend;
    std::int64_t id = backend.open()->put_certificate(input_for(certa::test::make_self_signed({"race.example"})));
    constexpr int kEdits = 50;
    auto writer = [&](const std::string& prefix) {
        auto store = backend.open();  // each thread its own handle (own connection)
        for (int i = 0; i < kEdits; ++i)
            store->edit_settings(id, [&](const std::string& old) { return old + prefix + std::to_string(i) + ";"; });
    };
    std::thread a(writer, "a");
    std::thread b(writer, "b");
    a.join();
    b.join();
    auto found = entries(backend.open()->get_certificate(id)->settings_json);
    CHECK(found.size() == 2 * kEdits);
    for (int i = 0; i < kEdits; ++i) {
        CHECK(found.count("a" + std::to_string(i)) == 1);
        CHECK(found.count("b" + std::to_string(i)) == 1);
    }
}

TEST_CASE("leases and challenges expire by the store's clock") {
    StoreBackend backend;
    ManualClock clock(1'000'000);
    OpenOptions options = StoreBackend::options();
    options.clock = &clock;
    auto store = open_store(backend.location(), options);

    auto held = store->acquire_lease("clock.example", "one", 30);
    REQUIRE(held.acquired);
    CHECK(held.expires == 1'000'030);
    clock.advance(29);
    CHECK_FALSE(store->acquire_lease("clock.example", "two", 30).acquired);
    clock.advance(1);  // now == expires: the lease has run out
    auto taken = store->acquire_lease("clock.example", "two", 30);
    REQUIRE(taken.acquired);
    CHECK(taken.token > held.token);
    CHECK_FALSE(store->renew_lease("clock.example", held.token, 30));

    Challenge challenge;
    challenge.type = ChallengeType::Http01;
    challenge.identifier = "clock.example";
    challenge.token = "clock-token";
    challenge.key_authorization = "clock-token.thumb";
    challenge.expires = clock.now() + 10;
    store->put_challenge(challenge);
    CHECK(store->find_http01("clock-token"));
    clock.advance(11);
    CHECK_FALSE(store->find_http01("clock-token"));
    CHECK(store->purge_expired_challenges() == 1);

    std::int64_t id = store->put_certificate(input_for(certa::test::make_self_signed({"clock.example"})));
    CHECK(store->get_certificate(id)->created == clock.now());
    store->add_event("issued", id, "");
    CHECK(store->list_events(id, 1).front().time == clock.now());
}
