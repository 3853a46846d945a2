// `certa serve --on-demand` against a real Pebble: the daemon listens on
// Pebble's tls-alpn-01 port as well, so it answers its own challenges; the
// ACME worker inside serve takes the handshake's request from the store.
#include "OnDemandFixture.hpp"
#include "TlsTestPeer.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/TempDir.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <thread>
#include <vector>

using namespace certa;
using namespace certa::test;
using namespace std::chrono_literals;

TEST_CASE("the first handshake for an allowed name gets a CA-issued certificate") {
    OnDemandFixture f;
    auto leaf = leaf_for(f.serve->port(), "first.ondemand.example.com");
    REQUIRE_MESSAGE(leaf, f.serve->logs());
    auto names = san_names(leaf.get());
    CHECK(std::find(names.begin(), names.end(), "first.ondemand.example.com") != names.end());
    auto rows = f.all_for("first.ondemand.example.com");
    REQUIRE(rows.size() == 1);
    CHECK(f.pebble.cert_status(rows[0].serial_hex) == "Valid");
    CHECK(serial_of(leaf.get()) == rows[0].serial_hex);
    CHECK(f.open()->due_issuance_requests(0).empty());  // fulfilled requests are gone
}

TEST_CASE("50 concurrent first handshakes for one name make exactly one order") {
    OnDemandFixture f;
    const std::string name = "crowd.ondemand.example.com";
    std::atomic<int> served{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 50; ++i)
        clients.emplace_back([&] {
            if (auto leaf = leaf_for(f.serve->port(), name)) ++served;
        });
    for (auto& t : clients) t.join();
    CHECK_MESSAGE(served.load() == 50, f.serve->logs());
    auto rows = f.all_for(name);
    CHECK(rows.size() == 1);
    int issued = 0;
    for (const auto& e : f.open()->list_events(0, 0))
        if (e.kind == "issued") ++issued;
    CHECK(issued == 1);
}

TEST_CASE("a denied name never reaches the store or the CA and its handshake fails") {
    OnDemandFixture f;
    auto leaf = leaf_for(f.serve->port(), "evil.other.example.com");
    CHECK_FALSE(leaf);
    auto store = f.open();
    CHECK(store->due_issuance_requests(0).empty());
    storage::CertificateFilter all;
    all.include_inactive = true;
    CHECK(store->list_certificates(all).empty());
    CHECK(store->list_events(0, 0).empty());
}


namespace {

// The active rows for `name` once more than `rows` exist (bounded wait).
std::vector<storage::CertificateRecord> wait_for_rows(const OnDemandFixture& f, const std::string& name,
                                                     std::size_t rows) {
    std::vector<storage::CertificateRecord> out;
    for (int i = 0; i < 300; ++i) {
        out = f.all_for(name);
        if (out.size() > rows) break;
        std::this_thread::sleep_for(100ms);
    }
    return out;
}

}  // namespace

// Session 1 dropped this case because the test saw one row while the daemon
// logged the renewal: StoreFile's header sniff (a plain open()/close() of the
// db file) dropped the daemon's POSIX locks, so the test's connection, closing,
// deleted the WAL the daemon kept writing to. Fixed in storage/StoreFile.cpp
// (tests/storage/store_lock_test.cpp).
TEST_CASE("a certificate in its renewal window is served while exactly one renewal is made, then the new one") {
    PebbleOptions short_lived;
    short_lived.validity_seconds = 45;  // renewal window: the last 15 s
    OnDemandFixture f(short_lived);
    const std::string name = "renew.ondemand.example.com";
    auto first = leaf_for(f.serve->port(), name);
    REQUIRE_MESSAGE(first, f.serve->logs());
    auto rows = f.all_for(name);
    REQUIRE(rows.size() == 1);
    CHECK(serial_of(first.get()) == rows[0].serial_hex);
    // Wait (bounded) until the certificate is in its last third, then ask again.
    const auto renew_from = rows[0].not_after - (rows[0].not_after - rows[0].not_before) / 3;
    for (int i = 0; i < 600 && certa::storage::unix_now() <= renew_from; ++i) std::this_thread::sleep_for(100ms);
    REQUIRE(certa::storage::unix_now() > renew_from);
    REQUIRE(certa::storage::unix_now() < rows[0].not_after - 2);
    auto during = leaf_for(f.serve->port(), name);
    REQUIRE(during);
    CHECK(serial_of(during.get()) == rows[0].serial_hex);  // the old one is still served
    // The renewal lands (bounded wait) and replaces the old row.
    auto after = wait_for_rows(f, name, 1);
    REQUIRE_MESSAGE(after.size() == 2, f.serve->logs());
    CHECK(after[0].status == storage::CertificateStatus::Replaced);
    CHECK(after[0].replaced_by == after[1].id);
    CHECK(after[1].status == storage::CertificateStatus::Active);
    // More handshakes: the new certificate is served and no second renewal is made.
    ossl::X509Ptr latest;
    for (int i = 0; i < 10; ++i) latest = leaf_for(f.serve->port(), name);
    REQUIRE(latest);
    CHECK(serial_of(latest.get()) == after[1].serial_hex);
    std::this_thread::sleep_for(1s);
    CHECK(f.all_for(name).size() == 2);
    auto store = f.open();
    CHECK(count_events(*store, "renewed") == 1);
    CHECK(count_events(*store, "issued") == 1);
    CHECK(count_events(*store, "failed") == 0);
    CHECK(store->due_issuance_requests(0).empty());
}

TEST_CASE("a handshake for an expired certificate waits (bounded) for its renewal and gets the new one") {
    PebbleOptions short_lived;
    short_lived.validity_seconds = 8;
    OnDemandFixture f(short_lived);
    const std::string name = "expired.ondemand.example.com";
    auto first = leaf_for(f.serve->port(), name);
    REQUIRE_MESSAGE(first, f.serve->logs());
    auto rows = f.all_for(name);
    REQUIRE(rows.size() == 1);
    // No handshake until it has expired (bounded), so no renewal was queued before.
    for (int i = 0; i < 300 && certa::storage::unix_now() <= rows[0].not_after; ++i) std::this_thread::sleep_for(100ms);
    REQUIRE(certa::storage::unix_now() > rows[0].not_after);
    CHECK(f.all_for(name).size() == 1);
    auto renewed = leaf_for(f.serve->port(), name);
    REQUIRE_MESSAGE(renewed, f.serve->logs());
    CHECK(serial_of(renewed.get()) != rows[0].serial_hex);
    auto after = f.all_for(name);
    REQUIRE(after.size() == 2);
    CHECK(serial_of(renewed.get()) == after[1].serial_hex);
    CHECK(after[1].not_after > rows[0].not_after);
    CHECK(after[0].status == storage::CertificateStatus::Replaced);
    CHECK(count_events(*f.open(), "renewed") == 1);
}
