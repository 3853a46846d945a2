// AcmeClient against a real Pebble: directory, nonces, badNonce retry, CA down.
#include "PebbleHarness.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/protocol/Json.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace certa::acme;
using certa::test::PebbleHarness;
using certa::test::PebbleOptions;

namespace {

HttpOptions trust(const PebbleHarness& pebble) {
    HttpOptions o;
    o.ca_bundle = pebble.ca_bundle_path();
    return o;
}

std::string new_account_payload() { return R"({"termsOfServiceAgreed":true})"; }

}  // namespace

TEST_CASE("directory from Pebble parses and is cached") {
    PebbleHarness pebble;
    AcmeClient client(pebble.directory_url(), trust(pebble));
    const Directory& d = client.directory();
    CHECK(d.url == pebble.directory_url());
    CHECK(d.new_nonce.find("https://127.0.0.1:") == 0);
    CHECK(d.new_account.find("https://127.0.0.1:") == 0);
    CHECK(d.new_order.find("https://127.0.0.1:") == 0);
    CHECK_FALSE(d.key_change.empty());
    CHECK_FALSE(d.revoke_cert.empty());
    CHECK_FALSE(d.terms_of_service.empty());
    CHECK_FALSE(d.external_account_required);
    CHECK(&client.directory() == &d);
}

TEST_CASE("Pebble directory with EAB required says so") {
    PebbleOptions options;
    options.eab["kid-1"] = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    PebbleHarness pebble(options);
    AcmeClient client(pebble.directory_url(), trust(pebble));
    CHECK(client.directory().external_account_required);
}

TEST_CASE("a signed request succeeds and later requests reuse nonces from responses") {
    PebbleHarness pebble;
    AcmeClient client(pebble.directory_url(), trust(pebble));
    auto key = std::make_shared<AccountKey>(AccountKey::generate());
    HttpResponse r = client.post_jwk(client.directory().new_account, new_account_payload(), *key);
    CHECK(r.status == 201);
    auto location = r.header("location");
    REQUIRE(location);
    client.set_account(key, *location);
    CHECK(client.new_nonce_requests() == 1);
    for (int i = 0; i < 5; ++i) {
        HttpResponse got = client.post_as_get(*location);
        CHECK(got.status == 200);
        auto account = json::parse_object(got.body);
        CHECK(json::string_field(account, "status") == std::optional<std::string>("valid"));
    }
    CHECK(client.new_nonce_requests() == 1);  // every later nonce came from a Replay-Nonce
}

TEST_CASE("a refused request throws AcmeError carrying the problem document") {
    PebbleHarness pebble;
    AcmeClient client(pebble.directory_url(), trust(pebble));
    auto key = AccountKey::generate();
    // onlyReturnExisting for an unknown key: accountDoesNotExist (RFC 8555 §7.3.1)
    try {
        client.post_jwk(client.directory().new_account, R"({"onlyReturnExisting":true})", key);
        FAIL("expected AcmeError");
    } catch (const AcmeError& e) {
        CHECK(e.problem().is("accountDoesNotExist"));
        CHECK(e.problem().status == 400);
        CHECK(std::string(e.what()).find("urn:ietf:params:acme:error:accountDoesNotExist") != std::string::npos);
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
}

TEST_CASE("with PEBBLE_WFE_NONCEREJECT=50 many signed requests all succeed via badNonce retry") {
    PebbleOptions options;
    options.nonce_reject = 50;
    PebbleHarness pebble(options);
    AcmeClient client(pebble.directory_url(), trust(pebble));  // default policy
    auto key = std::make_shared<AccountKey>(AccountKey::generate());
    HttpResponse r = client.post_jwk(client.directory().new_account, new_account_payload(), *key);
    REQUIRE(r.header("location"));
    client.set_account(key, *r.header("location"));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                try {
                    if (client.post_as_get(client.kid()).status == 200) ++ok;
                } catch (const std::exception&) {
                }
            }
        });
    for (auto& t : threads) t.join();
    CHECK(ok.load() == 40);
    CHECK(client.bad_nonce_retries() > 0);  // P(no rejection in 41 requests) = 2^-41
}

TEST_CASE("badNonce retries are bounded: past the limit the CA's problem is reported") {
    PebbleOptions options;
    options.nonce_reject = 100;
    PebbleHarness pebble(options);
    RetryPolicy retry;
    retry.bad_nonce_retries = 3;
    AcmeClient client(pebble.directory_url(), trust(pebble), retry);
    try {
        client.post_jwk(client.directory().new_account, new_account_payload(), AccountKey::generate());
        FAIL("expected AcmeError");
    } catch (const AcmeError& e) {
        CHECK(e.problem().is("badNonce"));
    }
    CHECK(client.bad_nonce_retries() == 3);
}

TEST_CASE("CA down gives one clear HttpError line") {
    PebbleHarness pebble;
    std::string url = pebble.directory_url();
    pebble.stop_pebble();
    AcmeClient client(url, trust(pebble));
    try {
        client.directory();
        FAIL("expected HttpError");
    } catch (const HttpError& e) {
        std::string what = e.what();
        CHECK(what.find("cannot reach CA at " + url + ": ") == 0);
        CHECK(what.find('\n') == std::string::npos);
        CHECK(e.url() == url);
    }
}

TEST_CASE("an untrusted CA certificate is refused (TLS verification is on)") {
    PebbleHarness pebble;
    AcmeClient client(pebble.directory_url(), HttpOptions{});  // system trust store only
    CHECK_THROWS_AS(client.directory(), HttpError);
}
