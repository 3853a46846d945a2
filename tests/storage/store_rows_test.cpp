// Accounts, events, challenges and the enum text helpers; one store shared by
// threads.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace certa::storage;
using certa::test::StoreBackend;

namespace {

UnixTime now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Challenge challenge(ChallengeType type, const std::string& identifier, const std::string& token, UnixTime expires) {
    Challenge c;
    c.type = type;
    c.identifier = identifier;
    c.token = token;
    c.key_authorization = token + ".thumbprint";
    c.expires = expires;
    return c;
}

}  // namespace

TEST_CASE("enum text helpers round-trip and refuse unknown text") {
    for (auto status : {CertificateStatus::Active, CertificateStatus::Replaced, CertificateStatus::Revoked})
        CHECK(certificate_status_from(to_string(status)) == status);
    for (auto type : {ChallengeType::Http01, ChallengeType::Dns01, ChallengeType::TlsAlpn01})
        CHECK(challenge_type_from(to_string(type)) == type);
    CHECK(std::string(to_string(CertificateStatus::Replaced)) == "replaced");
    CHECK(std::string(to_string(ChallengeType::TlsAlpn01)) == "tls-alpn-01");
    CHECK_THROWS_AS(certificate_status_from("expired"), std::invalid_argument);
    CHECK_THROWS_AS(challenge_type_from("http-02"), std::invalid_argument);
}

TEST_CASE("accounts: insert before registration, update, newest non-deactivated per server") {
    StoreBackend backend;
    auto store = backend.open();
    Account account;
    account.server = "https://ca.test/dir";
    account.key_type = "ES256";
    account.key_pem = "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n";
    account.status = "new";
    std::int64_t first = store->insert_account(account);
    auto stored = store->get_account(first);
    REQUIRE(stored);
    CHECK(stored->key_pem == account.key_pem);
    CHECK(stored->url.empty());
    CHECK(stored->created > 0);

    stored->url = "https://ca.test/acct/1";
    stored->status = "valid";
    stored->contact = "mailto:a@example.com";
    store->update_account(*stored);
    CHECK(store->find_account(account.server)->url == "https://ca.test/acct/1");

    std::int64_t second = store->insert_account(account);
    CHECK(store->find_account(account.server)->id == second);
    auto newest = *store->get_account(second);
    newest.status = "deactivated";
    store->update_account(newest);
    CHECK(store->find_account(account.server)->id == first);
    CHECK_FALSE(store->find_account("https://other.test/dir"));
    CHECK(store->list_accounts().size() == 2);

    Account missing = account;
    missing.id = 999;
    try {
        store->update_account(missing);
        FAIL("updated a missing account");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::NotFound);
    }
}

TEST_CASE("listings read the key only when asked, the chain unless summarised") {
    StoreBackend backend;
    auto store = backend.open();
    const auto cert = certa::test::make_self_signed({"columns.example"});
    store->put_certificate(certa::test::input_for(cert));
    for (const bool named : {false, true}) {
        CertificateFilter filter;
        if (named) filter.name = "columns.example";
        filter.include_inactive = named;
        filter.columns = CertificateColumns::All;
        auto all = store->list_certificates(filter);
        REQUIRE(all.size() == 1);
        CHECK(all.front().key_pem == cert.key_pem);
        CHECK(all.front().chain_pem == cert.chain_pem);
        filter.columns = CertificateColumns::WithoutKey;
        auto without_key = store->list_certificates(filter);
        REQUIRE(without_key.size() == 1);
        CHECK(without_key.front().key_pem.empty());
        CHECK(without_key.front().chain_pem == cert.chain_pem);
        CHECK(without_key.front().names == all.front().names);
        filter.columns = CertificateColumns::Summary;
        auto summary = store->list_certificates(filter);
        REQUIRE(summary.size() == 1);
        CHECK(summary.front().key_pem.empty());
        CHECK(summary.front().chain_pem.empty());
        CHECK(summary.front().not_after == all.front().not_after);
        CHECK(summary.front().serial_hex == all.front().serial_hex);
    }
}

TEST_CASE("events are listed newest first, per certificate or all, with a limit") {
    StoreBackend backend;
    auto store = backend.open();
    store->add_event("issued", 1, "first");
    store->add_event("deployed", 2, "second");
    store->add_event("renewed", 1, "third");
    auto all = store->list_events(0, 0);
    REQUIRE(all.size() == 3);
    CHECK(all[0].detail == "third");
    CHECK(all[2].detail == "first");
    CHECK(all[0].time > 0);
    auto one = store->list_events(1, 10);
    REQUIRE(one.size() == 2);
    CHECK(one[0].kind == "renewed");
    CHECK(one[1].kind == "issued");
    CHECK(store->list_events(0, 1).size() == 1);
    CHECK(store->list_events(3, 10).empty());
}

TEST_CASE("challenges: lookups ignore expired rows; purge removes them") {
    StoreBackend backend;
    auto store = backend.open();
    UnixTime t = now();
    store->put_challenge(challenge(ChallengeType::Http01, "a.example", "live-token", t + 600));
    store->put_challenge(challenge(ChallengeType::Http01, "b.example", "old-token", t - 600));
    auto alpn = challenge(ChallengeType::TlsAlpn01, "Alpn.Example", "alpn-token", t + 600);
    alpn.cert_pem = "CERT";
    alpn.key_pem = "KEY";
    std::int64_t alpn_id = store->put_challenge(alpn);
    store->put_challenge(challenge(ChallengeType::TlsAlpn01, "stale.example", "t2", t - 1));

    auto http = store->find_http01("live-token");
    REQUIRE(http);
    CHECK(http->identifier == "a.example");
    CHECK(http->key_authorization == "live-token.thumbprint");
    CHECK_FALSE(store->find_http01("old-token"));
    CHECK_FALSE(store->find_http01("alpn-token"));  // wrong type

    auto found = store->find_tls_alpn01("alpn.example");
    REQUIRE(found);
    CHECK(found->id == alpn_id);
    CHECK(found->cert_pem == "CERT");
    CHECK(found->key_pem == "KEY");
    CHECK(store->find_tls_alpn01("ALPN.example"));
    CHECK_FALSE(store->find_tls_alpn01("stale.example"));

    CHECK(store->active_challenges(ChallengeType::Http01).size() == 1);
    CHECK(store->active_challenges(ChallengeType::TlsAlpn01).size() == 1);
    CHECK(store->active_challenges(ChallengeType::Dns01).empty());

    std::int64_t g = store->current_generation();
    CHECK(store->purge_expired_challenges() == 2);
    CHECK(store->current_generation() == g + 1);
    CHECK(store->purge_expired_challenges() == 0);
    CHECK(store->current_generation() == g + 1);

    store->delete_challenge(alpn_id);
    CHECK_FALSE(store->find_tls_alpn01("alpn.example"));
}

TEST_CASE("one store shared by threads serializes their writes") {
    StoreBackend backend;
    auto store = backend.open();
    auto cert = certa::test::make_self_signed({"threads.example"});
    constexpr int kThreads = 4, kPuts = 10;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kPuts; ++i) {
                try {
                    store->put_certificate(certa::test::input_for(cert));
                    store->current_generation();
                    store->list_certificates({});
                } catch (...) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(failures == 0);
    CHECK(store->list_certificates({}).size() == kThreads * kPuts);
    CHECK(store->current_generation() == kThreads * kPuts);
}
