// OnDemandGate under a flood (issue 14), in process through the real gate, a
// real Agent and store: 20,000 random --ask names neither starve a new --ask
// name nor an --allow name; entries expire at their own deadline (ManualClock,
// no sleeping); a full table evicts instead of answering "pending"; asks are
// limited per client address (IPv6 per /64).
#include "GateFixture.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>

using namespace certa;
using namespace certa::handshake;
using Decision = OnDemandGate::Decision;

namespace {

constexpr int kFlood = 20000;

// An in-process --ask endpoint: "yes" for `approved`, counts every ask.
struct Asker {
    std::string approved;
    std::mutex mutex;
    std::multiset<std::string> asked;
    std::atomic<bool> hold{false};  // while true, each ask waits (bounded: 5 s)
    bool operator()(const std::string& name) {
        for (int i = 0; i < 5000 && hold.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::lock_guard lock(mutex);
        asked.insert(name);
        return name == approved;
    }
    std::size_t count(const std::string& name) {
        std::lock_guard lock(mutex);
        return asked.count(name);
    }
    std::size_t total() {
        std::lock_guard lock(mutex);
        return asked.size();
    }
    // total() once it reached `n` (bounded: 10 s; the last ask may still run after the queue drained).
    std::size_t total_when(std::size_t n) {
        for (int i = 0; i < 1000 && total() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return total();
    }
};

std::string flood_name(std::mt19937_64& rng) { return "r" + std::to_string(rng()) + ".flood.example"; }
std::string client_of(int i) {
    return "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255);
}

// Re-checks `name` the way serve's router does while a handshake waits: every
// answer must stay Wait until the request is in the store.
void expect_requested(test::GateFixture& f, const std::string& name, const std::string& client) {
    for (int i = 0; i < 5; ++i) CHECK(f.gate->check(name, client) == Decision::Wait);
    CHECK(f.request_for(name));
}

}  // namespace

TEST_CASE("20,000 --ask names from 20,000 clients: every one is asked, and a new --ask and an --allow name get requests") {
    auto asker = std::make_shared<Asker>();
    asker->approved = "yes.asked.example";
    test::GateFixture f([&](OnDemandOptions& o) {
        o.ask = [asker](const std::string& name) { return (*asker)(name); };
        o.max_queue = kFlood + 10;  // every flood name enters the (10,000-entry) pending table
    });
    std::mt19937_64 rng(14);
    asker->hold = true;  // the asks wait for the flood to end: the pending table overflows
    const auto started = std::chrono::steady_clock::now();
    int waited = 0;
    for (int i = 0; i < kFlood; ++i) waited += f.gate->check(flood_name(rng), client_of(i)) == Decision::Wait;
    asker->hold = false;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("gate flood: %d --ask names from %d clients in %.2f s; %d waited, %llu pending entries evicted\n", kFlood,
                kFlood, seconds, waited, static_cast<unsigned long long>(f.gate->stats().evicted));
    CHECK(waited == kFlood);
    CHECK(f.gate->stats().evicted >= static_cast<std::uint64_t>(kFlood) - 10000 - 1);

    expect_requested(f, "new.gate.example", "192.0.2.1");
    CHECK(f.gate->stats().rate_limited == 0);
    expect_requested(f, "yes.asked.example", "192.0.2.2");
    CHECK(asker->count("yes.asked.example") == 1);
    REQUIRE(f.drained());
    CHECK(asker->total_when(kFlood + 1) == static_cast<std::size_t>(kFlood) + 1);  // none starved
}

TEST_CASE("a flood from one client is limited to its asks per minute; other clients still get asked") {
    auto asker = std::make_shared<Asker>();
    asker->approved = "yes.asked.example";
    test::GateFixture f([&](OnDemandOptions& o) { o.ask = [asker](const std::string& name) { return (*asker)(name); }; });
    std::mt19937_64 rng(15);
    int denied = 0;
    for (int i = 0; i < kFlood; ++i) denied += f.gate->check(flood_name(rng), "198.51.100.9") == Decision::Deny;
    CHECK(denied == kFlood - 20);
    CHECK(f.gate->stats().ask_limited == static_cast<std::uint64_t>(kFlood - 20));
    expect_requested(f, "yes.asked.example", "192.0.2.2");
    expect_requested(f, "new.gate.example", "198.51.100.9");  // --allow names are not asks
    REQUIRE(f.drained());
    CHECK(asker->total_when(21) == 21);
}

TEST_CASE("pending entries expire at their own deadline (manual clock)") {
    test::GateFixture f([](OnDemandOptions& o) {
        o.limits.per_name_per_minute = 1;
        o.wait = std::chrono::seconds(10);
    });
    CHECK(f.gate->check("x.gate.example", "192.0.2.1") == Decision::Wait);
    f.clock.advance(9);
    CHECK(f.gate->check("x.gate.example", "192.0.2.1") == Decision::Wait);  // still pending: no new request
    CHECK(f.gate->stats().rate_limited == 0);
    f.clock.advance(2);  // past its deadline: a new request would be the second this minute
    CHECK(f.gate->check("x.gate.example", "192.0.2.1") == Decision::Deny);
    CHECK(f.gate->stats().rate_limited == 1);
    f.clock.advance(60);
    CHECK(f.gate->check("x.gate.example", "192.0.2.1") == Decision::Wait);
}

TEST_CASE("a full pending table evicts its oldest entry instead of answering pending") {
    auto asker = std::make_shared<Asker>();
    asker->hold = true;  // the first ask blocks: all ten stay pending meanwhile
    test::GateFixture f([&](OnDemandOptions& o) {
        o.ask = [asker](const std::string& name) { return (*asker)(name); };
        o.limits.max_tracked = 3;
    });
    for (int i = 0; i < 10; ++i)
        CHECK(f.gate->check("n" + std::to_string(i) + ".asked.example", client_of(i)) == Decision::Wait);
    CHECK(f.gate->stats().evicted == 7);
    asker->hold = false;
    REQUIRE(f.drained());
    CHECK(asker->total_when(10) == 10);
}

TEST_CASE("asks per client: IPv4 per address, IPv6 per /64, refilled over the minute") {
    auto asker = std::make_shared<Asker>();
    test::GateFixture f([&](OnDemandOptions& o) {
        o.ask = [asker](const std::string& name) { return (*asker)(name); };
        o.asks_per_client_per_minute = 5;
    });
    int n = 0;
    auto next = [&] { return "c" + std::to_string(n++) + ".asked.example"; };
    for (int i = 0; i < 5; ++i) CHECK(f.gate->check(next(), "192.0.2.7") == Decision::Wait);
    CHECK(f.gate->check(next(), "192.0.2.7") == Decision::Deny);
    CHECK(f.gate->check(next(), "::ffff:192.0.2.7") == Decision::Deny);  // the same client, IPv4-mapped
    CHECK(f.gate->check(next(), "192.0.2.8") == Decision::Wait);
    for (int i = 0; i < 5; ++i) CHECK(f.gate->check(next(), "2001:db8::1") == Decision::Wait);
    CHECK(f.gate->check(next(), "2001:db8::2") == Decision::Deny);  // same /64
    CHECK(f.gate->check(next(), "2001:db8:0:1::1") == Decision::Wait);
    CHECK(f.gate->stats().ask_limited == 3);
    f.clock.advance(13);  // one ask back (5 per 60 s)
    CHECK(f.gate->check(next(), "192.0.2.7") == Decision::Wait);
    CHECK(f.gate->check(next(), "192.0.2.7") == Decision::Deny);
}
