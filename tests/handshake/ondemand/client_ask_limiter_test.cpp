// ClientAskLimiter: per-client token buckets, bounded table; client_group: IPv6 per /64.
#include "handshake/agent/ClientGroup.hpp"
#include "handshake/ondemand/ClientAskLimiter.hpp"

#include <doctest/doctest.h>

using certa::handshake::ClientAskLimiter;
using certa::handshake::client_group;
using namespace std::chrono_literals;

TEST_CASE("buckets: IPv4 per address, IPv6 per /64, IPv4-mapped as IPv4") {
    CHECK(client_group("192.0.2.1") == "192.0.2.1");
    CHECK(client_group("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
    CHECK(client_group("2001:db8:1:2::9") == "2001:db8:1:2::/64");
    CHECK(client_group("::ffff:192.0.2.1") == "192.0.2.1");
    CHECK(client_group("") == "");
}

TEST_CASE("per_minute asks, refilled evenly; the least recently used client is forgotten when full") {
    ClientAskLimiter limiter(6, 2);
    const ClientAskLimiter::TimePoint t0{};
    for (int i = 0; i < 6; ++i) CHECK(limiter.take("192.0.2.1", t0));
    CHECK_FALSE(limiter.take("192.0.2.1", t0));
    CHECK_FALSE(limiter.take("192.0.2.1", t0 + 9s));
    CHECK(limiter.take("192.0.2.1", t0 + 11s));  // 6 per minute: one back after 10 s
    CHECK(limiter.take("192.0.2.2", t0 + 11s));
    CHECK(limiter.take("192.0.2.3", t0 + 11s));   // full: 192.0.2.1 (least recent) is dropped
    CHECK(limiter.take("192.0.2.1", t0 + 11s));   // a fresh bucket
}
