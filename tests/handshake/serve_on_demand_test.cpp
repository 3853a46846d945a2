// `certa serve --on-demand` against a real Pebble: the daemon listens on
// Pebble's tls-alpn-01 port as well, so it answers its own challenges; the
// ACME worker inside serve takes the handshake's request from the store.
#include "ServeProcess.hpp"
#include "TlsTestPeer.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/TempDir.hpp"
#include "storage/OpenSsl.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace certa;
using namespace certa::test;
using namespace std::chrono_literals;

namespace {

struct OnDemandFixture {
    explicit OnDemandFixture(PebbleOptions pebble_options = {}, std::vector<std::string> extra = {})
        : pebble(pebble_options), store(dir.file("certa.db")) {
        std::vector<std::string> args{"--listen", "127.0.0.1:" + std::to_string(pebble.tlsalpn01_port()),
                                      "--on-demand", "--allow", "*.ondemand.example.com", "--on-demand-wait", "60",
                                      "--server", pebble.directory_url(), "--ca-bundle", pebble.ca_bundle_path(),
                                      "--agree-tos", "--challenge", "tls-alpn-01"};
        args.insert(args.end(), extra.begin(), extra.end());
        serve = std::make_unique<ServeProcess>(store, args);
    }
    std::unique_ptr<storage::Store> open() const { return storage::open_store(store); }
    // Every row for `name`, replaced ones included (the store holds no other names).
    std::vector<storage::CertificateRecord> all_for(const std::string& name) const {
        std::vector<storage::CertificateRecord> out;
        for (auto& row : open()->list_certificates({true, ""}))
            if (std::find(row.names.begin(), row.names.end(), name) != row.names.end()) out.push_back(std::move(row));
        return out;
    }

    PebbleHarness pebble;
    TempDir dir;
    std::string store;
    std::unique_ptr<ServeProcess> serve;
};

// The leaf the daemon presented for `sni` (null when the handshake failed).
ossl::X509Ptr leaf_for(std::uint16_t port, const std::string& sni) {
    auto r = s_client(port, sni);
    std::string pem = first_pem(r.out);
    if (pem.empty()) return nullptr;
    auto chain = ossl::parse_chain_pem(pem);
    return chain.empty() ? nullptr : std::move(chain.front());
}

}  // namespace

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

