// `certa store migrate`: SQLite -> PostgreSQL -> SQLite keeps every row, id,
// generation and fencing token, refuses a non-empty target, and never prints
// a password.
#include "PostgresHarness.hpp"
#include "StoreFixtures.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

using namespace certa::storage;
using certa::test::PostgresHarness;
using certa::test::run_certa;

namespace {

struct Seeded {
    std::int64_t account = 0, first = 0, renewal = 0, other = 0, challenge = 0;
    std::int64_t generation = 0, lease_token = 0;
};

// A store with an account, a renewed certificate, a revoked one, renewal
// state, a challenge, an event, an issuance request and a held lease.
Seeded seed(Store& store) {
    Seeded s;
    Account account;
    account.server = "https://ca.test/dir";
    account.key_type = "ES256";
    account.key_pem = "-----BEGIN PRIVATE KEY-----\naccount\n-----END PRIVATE KEY-----\n";
    account.contact = "mailto:ops@example.com";
    s.account = store.insert_account(account);
    auto first = certa::test::input_for(certa::test::make_self_signed({"www.example", "example"}));
    first.account_id = s.account;
    first.settings_json = R"({"challenge":"http-01"})";
    s.first = store.put_certificate(first);
    auto renewal = certa::test::input_for(certa::test::make_self_signed({"www.example", "example"}));
    renewal.replaces = s.first;
    s.renewal = store.put_certificate(renewal);
    s.other = store.put_certificate(certa::test::input_for(certa::test::make_self_signed({"*.wild.example"})));
    store.set_certificate_status(s.other, CertificateStatus::Revoked);
    RenewalState state;
    state.renew_at = 1900000000;
    state.failures = 2;
    state.last_error = "urn:ietf:params:acme:error:rateLimited";
    state.last_error_class = "rateLimited";
    store.update_renewal_state(s.renewal, state);
    Challenge challenge;
    challenge.type = ChallengeType::Http01;
    challenge.identifier = "www.example";
    challenge.token = "token-1";
    challenge.key_authorization = "token-1.thumb";
    challenge.expires = 4102444800;
    s.challenge = store.put_challenge(challenge);
    store.add_event("renewed", s.renewal, "replaced " + std::to_string(s.first));
    REQUIRE(store.request_issuance("ondemand.example", "issue"));
    REQUIRE(store.fail_issuance_request("ondemand.example", "urn:ietf:params:acme:error:dns", 1));
    OnDemandRule rule;
    rule.pattern = "*.shop.example";
    rule.deny = true;
    store.put_on_demand_rule(rule);
    store.set_deploy_pending(s.other, true);
    auto lease = store.acquire_lease("www.example", "host-a", 3600);
    REQUIRE(lease.acquired);
    s.lease_token = lease.token;
    s.generation = store.current_generation();
    return s;
}

void check_seeded(Store& store, const Seeded& s) {
    auto account = store.get_account(s.account);
    REQUIRE(account);
    CHECK(account->contact == "mailto:ops@example.com");
    auto first = store.get_certificate(s.first);
    REQUIRE(first);
    CHECK(first->status == CertificateStatus::Replaced);
    CHECK(first->replaced_by == s.renewal);
    CHECK(first->account_id == s.account);
    CHECK(first->settings_json == R"({"challenge":"http-01"})");
    auto active = store.find_active_certificate("example");
    REQUIRE(active);
    CHECK(active->id == s.renewal);
    CHECK(active->names == std::vector<std::string>{"www.example", "example"});
    CHECK(active->renew_at == 1900000000);
    CHECK(active->failures == 2);
    CHECK(active->last_error_class == "rateLimited");
    CHECK(store.get_certificate(s.other)->status == CertificateStatus::Revoked);
    CHECK(store.get_certificate(s.other)->deploy_pending);
    CHECK_FALSE(first->deploy_pending);
    CHECK(store.list_certificates({true, ""}).size() == 3);
    auto challenge = store.find_http01("token-1");
    REQUIRE(challenge);
    CHECK(challenge->id == s.challenge);
    auto events = store.list_events(s.renewal, 10);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "renewed");
    CHECK(store.current_generation() == s.generation);
    auto requests = store.due_issuance_requests(10);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].name == "ondemand.example");
    CHECK(requests[0].attempts == 1);
    CHECK(requests[0].last_error == "urn:ietf:params:acme:error:dns");
    auto rules = store.list_on_demand_rules();
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].pattern == "*.shop.example");
    CHECK(rules[0].deny);
    // The lease travelled with its holder; tokens keep growing after the copy.
    auto busy = store.acquire_lease("www.example", "host-b", 60);
    CHECK_FALSE(busy.acquired);
    CHECK(busy.holder == "host-a");
    auto next = store.acquire_lease("other.example", "host-b", 60);
    REQUIRE(next.acquired);
    CHECK(next.token > s.lease_token);
    // New rows get fresh ids after the copied ones.
    std::int64_t added = store.put_certificate(certa::test::input_for(certa::test::make_self_signed({"new.example"})));
    CHECK(added > s.other);
}

}  // namespace

TEST_CASE("certa store migrate: SQLite -> PostgreSQL -> SQLite round trip, verified") {
    certa::test::TempDir dir;
    std::string sqlite = dir.file("source.db");
    Seeded seeded;
    {
        auto store = open_store(sqlite);
        seeded = seed(*store);
    }
    std::string pg = PostgresHarness::shared().create_database();
    auto to_pg = run_certa({"store", "migrate", "--from", sqlite, "--to", pg});
    INFO(to_pg.out << to_pg.err);
    REQUIRE(to_pg.exit_code == 0);
    CHECK(to_pg.out.find("certificates: 3 rows") != std::string::npos);
    CHECK(to_pg.out.find("3 certificate hashes") != std::string::npos);

    std::string back = dir.file("back.db");
    auto to_sqlite = run_certa({"--json", "store", "migrate", "--from", pg, "--to", back});
    INFO(to_sqlite.out << to_sqlite.err);
    REQUIRE(to_sqlite.exit_code == 0);
    CHECK(to_sqlite.out.find("\"certificates_verified\":3") != std::string::npos);

    // Migrating again into a store that now has rows is refused.
    auto again = run_certa({"store", "migrate", "--from", sqlite, "--to", pg});
    CHECK(again.exit_code == 3);
    CHECK(again.err.find("not empty") != std::string::npos);

    auto pg_store = open_store(pg);
    check_seeded(*pg_store, seeded);
    auto sqlite_store = open_store(back);
    check_seeded(*sqlite_store, seeded);
}

TEST_CASE("certa store migrate never prints the password of a URL") {
    certa::test::TempDir dir;
    std::string sqlite = dir.file("source.db");
    open_store(sqlite)->put_certificate(certa::test::input_for(certa::test::make_self_signed({"a.example"})));
    auto& server = PostgresHarness::shared();
    std::string database = server.create_database();
    std::string with_password = server.url_with_password(database.substr(database.rfind('/') + 1));
    auto ok = run_certa({"store", "migrate", "--from", sqlite, "--to", with_password});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find(server.password()) == std::string::npos);
    CHECK(ok.out.find(":***@") != std::string::npos);

    auto refused = run_certa({"--log-level", "debug", "store", "migrate", "--from", sqlite, "--to", with_password});
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find(server.password()) == std::string::npos);
    CHECK(refused.out.find(server.password()) == std::string::npos);
}
