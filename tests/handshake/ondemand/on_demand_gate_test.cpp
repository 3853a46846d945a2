// OnDemandGate in process: a real Agent over a real SQLite store and an
// injected clock. Unknown allowed names wait for a request the gate writes
// to the store, names outside the policy are denied, a valid certificate is
// served, one inside its renewal window is served while exactly one renewal
// is requested, and an expired one waits for its renewal.
#include "GateFixture.hpp"

#include "storage/RenewalWindow.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace certa;
using namespace certa::handshake;
using Decision = OnDemandGate::Decision;

namespace {
using Fixture = test::GateFixture;
const std::string kClient = "192.0.2.10";
}  // namespace

TEST_CASE("an allowed name without a certificate waits and is requested once; others are denied") {
    Fixture f;
    CHECK(f.gate->check("New.Gate.Example.", kClient) == Decision::Wait);
    auto request = f.request_for("new.gate.example");
    REQUIRE(request);
    CHECK(request->reason == "issue");
    CHECK(f.gate->check("new.gate.example", kClient) == Decision::Wait);  // the same request, not a second
    CHECK(f.store->due_issuance_requests(0).size() == 1);

    CHECK(f.gate->check("elsewhere.example", kClient) == Decision::Deny);
    CHECK(f.gate->stats().denied == 1);
    CHECK(f.gate->check("127.0.0.1", kClient) == Decision::Serve);  // not a DNS name: the Agent decides
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(f.store->due_issuance_requests(0).size() == 1);
}

TEST_CASE("a certificate in its renewal window is served and renewed once; an expired one waits") {
    Fixture f;
    const auto cert = f.put("renew.gate.example", 90 * 86400);
    CHECK(f.gate->check("renew.gate.example", kClient) == Decision::Serve);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(f.store->due_issuance_requests(0).empty());
    CHECK(f.gate->stats().renewals == 0);

    // The window is the one `certa renew` uses (storage/RenewalWindow).
    f.clock.set(storage::renewal_window_start(cert.not_before, cert.not_after) + 1);
    CHECK(f.gate->check("renew.gate.example", kClient) == Decision::Serve);
    auto request = f.request_for("renew.gate.example");
    REQUIRE(request);
    CHECK(request->reason == "renew");
    CHECK(f.gate->check("renew.gate.example", kClient) == Decision::Serve);
    CHECK(f.gate->stats().renewals == 1);

    f.clock.set(cert.not_after);
    CHECK(f.gate->check("renew.gate.example", kClient) == Decision::Wait);
}

TEST_CASE("just before the renewal window nothing is requested") {
    Fixture f;
    const auto cert = f.put("early.gate.example", 6 * 86400);  // short-lived: the window is the last half
    f.clock.set(storage::renewal_window_start(cert.not_before, cert.not_after) - 1);
    CHECK(f.gate->check("early.gate.example", kClient) == Decision::Serve);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    CHECK(f.store->due_issuance_requests(0).empty());
    CHECK(f.gate->stats().renewals == 0);
}
