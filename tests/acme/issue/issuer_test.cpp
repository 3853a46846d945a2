// Issuer against a real Pebble (in process, no CLI): issue() stores key,
// chain, names and settings in one row; reissue() replaces a row in the same
// transaction under a lease fence and sends RFC 9773 "replaces" only to the
// CA and account that issued the old one (through the project's ARI front).
#include "acme/challenge/ChallengeSetup.hpp"
#include "acme/issue/Issuer.hpp"

#include "AriResponder.hpp"
#include "PebbleHarness.hpp"
#include "TempDir.hpp"
#include "storage/StoreError.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::acme;

namespace {

int count_events(storage::Store& store, const std::string& kind) {
    int n = 0;
    for (const auto& e : store.list_events(0, 1000)) n += e.kind == kind;
    return n;
}

// An Issuer for one CA URL: its client, http-01 responder on Pebble's port and solver.
struct IssuerSetup {
    IssuerSetup(storage::Store& store, const test::PebbleHarness& pebble, const std::string& server,
                const std::string& ca_bundle) {
        settings.server = server;
        settings.ca_bundle = ca_bundle;
        settings.http_address = "127.0.0.1";
        settings.http_port = static_cast<std::uint16_t>(pebble.http01_port());
        client = std::make_unique<AcmeClient>(server, HttpOptions{ca_bundle});
        responder = start_http_responder(settings, store);
        solver = make_solver(settings, store);
        RegisterOptions account;
        account.agree_tos = true;
        account.contact = {"mailto:issuer-test@example.com"};
        issuer = std::make_unique<Issuer>(store, *client, *solver, account);
    }
    IssueSettings settings;
    std::unique_ptr<AcmeClient> client;
    std::unique_ptr<Http01Responder> responder;
    std::unique_ptr<ChallengeSolver> solver;
    std::unique_ptr<Issuer> issuer;
};

storage::LeaseFence lease_for(storage::Store& store, std::int64_t id) {
    const std::string name = "cert:" + std::to_string(id);
    auto grant = store.acquire_lease(name, "issuer-test", 120);
    REQUIRE(grant.acquired);
    return {name, grant.token};
}

}  // namespace

TEST_CASE("issue stores one complete row; reissue replaces it under its lease") {
    test::PebbleHarness pebble;
    test::TempDir dir;
    auto store = storage::open_store(dir.file("certa.db"));
    IssuerSetup setup(*store, pebble, pebble.directory_url(), pebble.ca_bundle_path());
    const auto ids = parse_identifiers({"issuer.example", "www.issuer.example"});

    const auto first = setup.issuer->issue(ids, setup.settings);
    CHECK(first.status == storage::CertificateStatus::Active);
    CHECK(first.names == std::vector<std::string>{"issuer.example", "www.issuer.example"});
    CHECK(first.server == pebble.directory_url());
    CHECK(first.account_id == setup.issuer->ensure_account().id);
    CHECK_FALSE(first.key_pem.empty());
    CHECK(IssueSettings::from_json(first.settings_json).http_port == setup.settings.http_port);
    CHECK(count_events(*store, "issued") == 1);

    // A fence whose token is no longer current: refused, nothing stored.
    const auto fence = lease_for(*store, first.id);
    const storage::LeaseFence stale{fence.name, fence.token - 1};
    CHECK_THROWS_AS(setup.issuer->reissue(ids, setup.settings, first, stale), storage::StoreError);
    CHECK(store->get_certificate(first.id)->status == storage::CertificateStatus::Active);
    CHECK(store->list_certificates({true, ""}).size() == 1);

    const auto second = setup.issuer->reissue(ids, setup.settings, first, fence);
    CHECK(second.id != first.id);
    CHECK(second.serial_hex != first.serial_hex);
    const auto old = store->get_certificate(first.id);
    CHECK(old->status == storage::CertificateStatus::Replaced);
    CHECK(old->replaced_by == second.id);
    CHECK(count_events(*store, "renewed") == 1);
}

TEST_CASE("reissue sends 'replaces' only to the CA and account that issued the old certificate") {
    test::PebbleHarness pebble;
    test::AriResponder ari(pebble);
    test::TempDir dir;
    auto store = storage::open_store(dir.file("certa.db"));
    IssuerSetup setup(*store, pebble, ari.directory_url(), ari.ca_bundle_path());
    const auto ids = parse_identifiers({"ari.issuer.example"});

    const auto first = setup.issuer->issue(ids, setup.settings);
    REQUIRE_FALSE(first.ari_cert_id.empty());
    const auto second = setup.issuer->reissue(ids, setup.settings, first, lease_for(*store, first.id));
    auto sent = ari.new_order_replaces();
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].empty());
    CHECK(sent[1] == first.ari_cert_id);

    // The same row, but recorded as issued by another CA: no "replaces".
    auto elsewhere = second;
    elsewhere.server = "https://other-ca.example/dir";
    setup.issuer->reissue(ids, setup.settings, elsewhere, lease_for(*store, second.id));
    sent = ari.new_order_replaces();
    REQUIRE(sent.size() == 3);
    CHECK(sent[2].empty());

    // Another account at the same CA: no "replaces" either.
    auto other_account = *store->find_active_certificate("ari.issuer.example");
    const auto current_id = other_account.id;
    other_account.account_id += 1000;
    setup.issuer->reissue(ids, setup.settings, other_account, lease_for(*store, current_id));
    sent = ari.new_order_replaces();
    REQUIRE(sent.size() == 4);
    CHECK(sent[3].empty());
}
