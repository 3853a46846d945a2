// Store::certificates_needing_attention on both backends: exactly the active
// rows `certa renew` has something to do for (deploy pending, never
// scheduled, ARI check due, renewal time or expiry reached), never those
// backing off; rows leave and join as their state is written. On SQLite the
// query is answered from the certificates_by_attention index.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/Store.hpp"
#include "storage/schema/RenewalAttention.hpp"
#include "storage/sql/Dialect.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/sqlite/SqliteStatement.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <set>
#include <string>

using namespace certa::storage;
using certa::test::input_for;
using certa::test::StoreBackend;

namespace {

// The test certificates are valid from a minute ago for a day.
const UnixTime kNow = certa::storage::unix_now();

std::set<std::string> names_needing_attention(Store& store, UnixTime now = kNow) {
    std::set<std::string> out;
    for (const auto& row : store.certificates_needing_attention(now)) {
        CHECK(row.key_pem.empty());  // never read for scheduling
        CHECK(row.chain_pem.empty());
        REQUIRE_FALSE(row.names.empty());
        out.insert(row.names.front());
    }
    return out;
}

// A scheduled state: renewal time and ARI check at the given offsets from kNow.
RenewalState scheduled(UnixTime renew_in, UnixTime ari_in) {
    RenewalState s;
    s.renew_at = kNow + renew_in;
    s.ari_next_check = kNow + ari_in;
    return s;
}

}  // namespace

TEST_CASE("exactly the rows renew has work for, and none backing off") {
    StoreBackend backend;
    auto store = backend.open();
    struct Case {
        const char* name;
        RenewalState state;
        bool deploy_pending;
        bool expect;
    };
    RenewalState backing_off = scheduled(-10, -10);
    backing_off.next_attempt = kNow + 60;
    backing_off.failures = 2;
    RenewalState back_off_over = backing_off;
    back_off_over.next_attempt = kNow - 1;
    RenewalState pending_but_backing_off = scheduled(86400, 3600);
    pending_but_backing_off.next_attempt = kNow + 60;
    const Case cases[] = {
        {"later.example", scheduled(86400, 3600), false, false},
        {"fresh.example", RenewalState{}, false, true},               // never scheduled
        {"renew-now.example", scheduled(0, 3600), false, true},       // renewal time is now
        {"renew-past.example", scheduled(-5, 3600), false, true},
        {"ari-due.example", scheduled(86400, 0), false, true},        // Retry-After has passed
        {"deploy.example", scheduled(86400, 3600), true, true},
        {"backing-off.example", backing_off, false, false},
        {"back-off-over.example", back_off_over, false, true},
        {"pending-backing-off.example", pending_but_backing_off, true, false},
    };
    std::set<std::string> expected;
    for (const auto& c : cases) {
        auto input = input_for(certa::test::make_self_signed({c.name}));
        input.deploy_pending = c.deploy_pending;
        const auto id = store->put_certificate(input);
        store->update_renewal_state(id, c.state);
        if (c.expect) expected.insert(c.name);
    }
    CHECK(names_needing_attention(*store) == expected);
    // Never-scheduled rows and pending deploys (not backing off) are due at any time.
    CHECK(names_needing_attention(*store, 0) == std::set<std::string>{"fresh.example", "deploy.example"});
}

TEST_CASE("an expired certificate needs attention even with a renewal time past its expiry") {
    StoreBackend backend;
    auto store = backend.open();
    const auto cert = certa::test::make_self_signed({"short.example"});
    const auto id = store->put_certificate(input_for(cert));
    const auto row = store->get_certificate(id);
    RenewalState s;
    s.renew_at = row->not_after + 86400;  // a renewal time beyond the expiry
    s.ari_next_check = row->not_after + 86400;
    store->update_renewal_state(id, s);
    CHECK(store->certificates_needing_attention(row->not_after - 1).empty());
    CHECK(store->certificates_needing_attention(row->not_after).size() == 1);
}

TEST_CASE("writes move a row in and out; replaced and revoked rows never need attention") {
    StoreBackend backend;
    auto store = backend.open();
    const auto a = store->put_certificate(input_for(certa::test::make_self_signed({"a.example"})));
    const auto b = store->put_certificate(input_for(certa::test::make_self_signed({"b.example"})));
    CHECK(names_needing_attention(*store) == std::set<std::string>{"a.example", "b.example"});

    store->update_renewal_states({{a, scheduled(86400, 3600)}, {b, scheduled(86400, 3600)}});
    CHECK(names_needing_attention(*store).empty());

    store->set_deploy_pending(a, true);
    CHECK(names_needing_attention(*store) == std::set<std::string>{"a.example"});
    store->set_deploy_pending(a, false);
    CHECK(names_needing_attention(*store).empty());

    store->update_renewal_state(b, scheduled(-1, 3600));
    CHECK(names_needing_attention(*store) == std::set<std::string>{"b.example"});
    store->set_certificate_status(b, CertificateStatus::Revoked);
    CHECK(names_needing_attention(*store).empty());

    auto replacement = input_for(certa::test::make_self_signed({"a.example"}));
    replacement.replaces = a;
    store->update_renewal_state(a, scheduled(-1, -1));
    const auto a2 = store->put_certificate(replacement);
    const auto due = store->certificates_needing_attention(kNow);
    REQUIRE(due.size() == 1);  // the new row (never scheduled), not the replaced one
    CHECK(due.front().id == a2);
}

TEST_CASE("the attention query is answered from its index" * doctest::test_suite("sqlite-only")) {
    StoreBackend backend;
    { auto store = backend.open(); }
    SqliteConnection db(backend.location(), true, 1000);
    const std::string query = "EXPLAIN QUERY PLAN SELECT c.id FROM certificates c WHERE c.status = 'active' AND " +
                              sql::sqlite_dialect().translate(schema::kRenewalAttentionAt) +
                              " <= 5 ORDER BY c.not_after, c.id";
    SqliteStatement plan(db, query.c_str());
    std::string details;
    while (plan.step()) details += plan.text(3) + "\n";
    INFO(details);
    CHECK(details.find("USING INDEX certificates_by_attention") != std::string::npos);
    CHECK(details.find("SCAN c\n") == std::string::npos);
}
