// RFC 9773 renewal information in process: Renewer with a ManualClock against
// Pebble behind tests/support/AriResponder. The ARI check is due at the
// server's Retry-After (6 h without one) whatever the lifetime rule says; a
// window that moves into the past between two runs renews on the next one;
// a refused `replaces` (409 alreadyReplaced, 403 unauthorized) is dropped and
// the order retried once; a CA or account change drops `replaces`, and
// renewalInfo stays with the CA that issued the certificate. A run
// reports only what it looked at (the scheduled, quiet run).
#include "acme/renew/Renewer.hpp"

#include "AriResponder.hpp"
#include "DirectIssue.hpp"
#include "PebbleHarness.hpp"
#include "TempDir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace certa;
using namespace certa::acme;

namespace {

constexpr std::int64_t kDay = 86400;

struct Fixture {
    test::PebbleHarness pebble;
    test::AriResponder ari{pebble};
    test::TempDir dir;
    std::unique_ptr<storage::Store> store = storage::open_store(dir.file("certa.db"));
    storage::ManualClock clock{storage::unix_now()};

    IssueSettings settings_for(const test::AriResponder& front) const {
        IssueSettings settings;
        settings.server = front.directory_url();
        settings.ca_bundle = front.ca_bundle_path();
        settings.http_address = "127.0.0.1";
        settings.http_port = static_cast<std::uint16_t>(pebble.http01_port());
        settings.agree_tos = true;
        return settings;
    }
    storage::CertificateRecord issue(const std::string& name) {
        const IssueSettings settings = settings_for(ari);
        return test::issue_directly(*store, settings, name);
    }
    // A scheduled, quiet run (`certa renew --quiet`) at the manual clock's time.
    std::vector<RenewOutcome> run() {
        RenewOptions o;
        o.owner = "ari-test";
        o.policy = LocalPolicy::trust_store();  // a store in this test's own temp dir
        o.clock = &clock;
        return Renewer(*store, o).run();
    }
    storage::CertificateRecord row(std::int64_t id) { return *store->get_certificate(id); }
};

}  // namespace

TEST_CASE("the ARI check is due at Retry-After whatever the lifetime rule says; 6 h without one") {
    Fixture f;
    const auto cert = f.issue("retry.ari.example");
    const auto t0 = f.clock.now();
    f.ari.set_window(t0 + 30 * kDay, t0 + 31 * kDay, 7200);
    auto outcomes = f.run();  // never scheduled: looked at, window read
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::NotDue);
    CHECK(f.ari.renewal_info_requests(cert.ari_cert_id) == 1);
    CHECK(f.row(cert.id).ari_next_check == t0 + 7200);

    f.clock.advance(7199);
    CHECK(f.run().empty());  // nothing due: nothing looked at, no request
    CHECK(f.ari.renewal_info_requests(cert.ari_cert_id) == 1);

    f.clock.advance(1);  // Retry-After has passed; renew_at is still 30 days away
    f.ari.set_window(t0 + 30 * kDay, t0 + 31 * kDay, std::nullopt);
    outcomes = f.run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::NotDue);
    CHECK(f.ari.renewal_info_requests(cert.ari_cert_id) == 2);
    CHECK(f.row(cert.id).ari_next_check == f.clock.now() + 6 * 3600);  // RFC 9773 §4.3: no Retry-After

    f.clock.advance(6 * 3600 - 1);
    CHECK(f.run().empty());
    CHECK(f.ari.renewal_info_requests(cert.ari_cert_id) == 2);
    CHECK(f.store->list_certificates({}).size() == 1);
}

TEST_CASE("a window that moves into the past between two runs renews on the next run, with replaces") {
    Fixture f;
    const auto cert = f.issue("moved.ari.example");
    const auto t0 = f.clock.now();
    f.ari.set_window(t0 + 20 * kDay, t0 + 21 * kDay, 3600);
    REQUIRE(f.run().size() == 1);
    CHECK(f.row(cert.id).renew_at >= t0 + 20 * kDay);

    // The CA moves the window into the past (a mass revocation); the next run after Retry-After renews.
    f.ari.set_window(t0 - 2 * 3600, t0 - 3600, 3600);
    f.clock.advance(3600);
    const auto outcomes = f.run();
    REQUIRE(outcomes.size() == 1);
    CHECK_MESSAGE(outcomes[0].status == RenewStatus::Renewed, outcomes[0].error);
    CHECK(f.row(cert.id).status == storage::CertificateStatus::Replaced);
    const auto replaces = f.ari.new_order_replaces();
    REQUIRE(replaces.size() == 2);
    CHECK(replaces.back() == cert.ari_cert_id);
}

TEST_CASE("a refused replaces is dropped and the order retried once") {
    struct Refusal {
        int status;
        const char* type;
    };
    for (const Refusal refusal : {Refusal{409, "alreadyReplaced"}, Refusal{403, "unauthorized"}}) {
        CAPTURE(refusal.type);
        Fixture f;
        const auto cert = f.issue("refused.ari.example");
        f.ari.set_window(f.clock.now() - 7200, f.clock.now() - 3600, 3600);
        f.ari.refuse_orders(1, refusal.status, refusal.type);
        auto outcomes = f.run();
        REQUIRE(outcomes.size() == 1);
        CHECK_MESSAGE(outcomes[0].status == RenewStatus::Renewed, outcomes[0].error);
        CHECK(f.ari.new_order_replaces() == std::vector<std::string>{"", cert.ari_cert_id, ""});
    }
    // Refused again without replaces: once only, then the renewal fails and backs off.
    Fixture f;
    const auto cert = f.issue("twice.ari.example");
    f.ari.set_window(f.clock.now() - 7200, f.clock.now() - 3600, 3600);
    f.ari.refuse_orders(5, 409, "alreadyReplaced");
    const auto outcomes = f.run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::Failed);
    CHECK(outcomes[0].error.find("alreadyReplaced") != std::string::npos);
    CHECK(f.ari.new_order_replaces() == std::vector<std::string>{"", cert.ari_cert_id, ""});
    CHECK(f.row(cert.id).failures == 1);
    CHECK(f.row(cert.id).status == storage::CertificateStatus::Active);
}

TEST_CASE("a CA or account change drops replaces") {
    SUBCASE("another CA (a second directory URL)") {
        Fixture f;
        test::AriResponder other(f.pebble);
        const auto cert = f.issue("ca.ari.example");
        // The settings now name another CA (trusting both fronts). RFC 9773:
        // renewalInfo is still asked of the CA that issued the certificate
        // (its certID means nothing elsewhere), and its window makes it due.
        IssueSettings moved = f.settings_for(other);
        moved.ca_bundle = f.dir.file("both-fronts.pem");
        {
            std::ofstream out(moved.ca_bundle);
            out << std::ifstream(f.ari.ca_bundle_path()).rdbuf() << std::ifstream(other.ca_bundle_path()).rdbuf();
        }
        f.store->update_settings(cert.id, moved.to_json());
        f.ari.set_window(f.clock.now() - 7200, f.clock.now() - 3600, 3600);
        other.set_window(f.clock.now() + kDay, f.clock.now() + 2 * kDay, 3600);
        const auto outcomes = f.run();
        REQUIRE(outcomes.size() == 1);
        CHECK_MESSAGE(outcomes[0].status == RenewStatus::Renewed, outcomes[0].error);
        CHECK(f.ari.renewal_info_requests(cert.ari_cert_id) == 1);
        CHECK(other.renewal_info_requests() == 0);
        CHECK(other.new_order_replaces() == std::vector<std::string>{""});  // the new CA gets no replaces
        CHECK(f.row(outcomes[0].new_id).server == other.directory_url());
    }
    SUBCASE("another account at the same CA") {
        Fixture f;
        const auto cert = f.issue("account.ari.example");
        auto account = f.store->get_account(cert.account_id);
        REQUIRE(account);
        account->status = "deactivated";  // the renewal registers a new account
        f.store->update_account(*account);
        f.ari.set_window(f.clock.now() - 7200, f.clock.now() - 3600, 3600);
        const auto outcomes = f.run();
        REQUIRE(outcomes.size() == 1);
        CHECK_MESSAGE(outcomes[0].status == RenewStatus::Renewed, outcomes[0].error);
        CHECK(f.store->get_certificate(outcomes[0].new_id)->account_id != cert.account_id);
        CHECK(f.ari.new_order_replaces() == std::vector<std::string>{"", ""});
    }
}
