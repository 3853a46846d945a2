// OnDemandPolicy: allow patterns, the negative cache and the three rate
// limits (per name, per approximate registered domain, global per minute).
#include "handshake/ondemand/OnDemandPolicy.hpp"

#include <doctest/doctest.h>

using certa::handshake::OnDemandLimits;
using certa::handshake::OnDemandPolicy;
using Verdict = OnDemandPolicy::Verdict;
using namespace std::chrono_literals;

TEST_CASE("patterns: exact names and *.suffix (not the bare suffix)") {
    OnDemandPolicy policy({"Exact.Example.", "*.wild.example"}, {});
    CHECK(policy.allowed("exact.example") == Verdict::Allowed);
    CHECK(policy.allowed("a.exact.example") == Verdict::Denied);
    CHECK(policy.allowed("a.wild.example") == Verdict::Allowed);
    CHECK(policy.allowed("b.a.wild.example") == Verdict::Allowed);
    CHECK(policy.allowed("wild.example") == Verdict::Denied);
    CHECK(policy.allowed("xwild.example") == Verdict::Denied);
    CHECK(policy.allowed("random.invalid") == Verdict::Denied);
}

TEST_CASE("without patterns an external check makes names unknown, its answers are cached for the TTL") {
    OnDemandLimits limits;
    limits.negative_ttl = 60s;
    OnDemandPolicy policy({}, limits, true);
    auto t0 = OnDemandPolicy::Clock::now();
    CHECK(policy.allowed("a.example", t0) == Verdict::Unknown);
    policy.remember("a.example", true, t0);
    policy.remember("b.example", false, t0);
    CHECK(policy.allowed("a.example", t0 + 1s) == Verdict::Allowed);
    CHECK(policy.allowed("b.example", t0 + 1s) == Verdict::Denied);
    CHECK(policy.allowed("b.example", t0 + 61s) == Verdict::Unknown);
}

TEST_CASE("a failed name is refused for the TTL even when a pattern allows it") {
    OnDemandPolicy policy({"*.example"}, {});
    auto t0 = OnDemandPolicy::Clock::now();
    policy.remember("bad.example", false, t0);
    CHECK(policy.allowed("bad.example", t0 + 1s) == Verdict::Denied);
    CHECK(policy.allowed("good.example", t0 + 1s) == Verdict::Allowed);
    CHECK(policy.allowed("bad.example", t0 + 301s) == Verdict::Allowed);
}

TEST_CASE("rate limits per name, per registered domain and global, over a sliding minute") {
    OnDemandLimits limits;
    limits.per_name_per_minute = 2;
    limits.per_domain_per_minute = 3;
    limits.global_per_minute = 5;
    OnDemandPolicy policy({"*"}, limits);
    auto t0 = OnDemandPolicy::Clock::now();
    CHECK(policy.take_request("a.one.example", t0));
    CHECK(policy.take_request("a.one.example", t0));
    CHECK_FALSE(policy.take_request("a.one.example", t0));  // per name
    CHECK(policy.take_request("b.one.example", t0));
    CHECK_FALSE(policy.take_request("c.one.example", t0));  // per domain "one.example"
    CHECK(policy.take_request("x.two.example", t0));
    CHECK(policy.take_request("y.two.example", t0));
    CHECK_FALSE(policy.take_request("z.three.example", t0));  // global (5 taken)
    CHECK(policy.take_request("a.one.example", t0 + 61s));    // the window slid
}

TEST_CASE("registered domain is approximated by the last two labels") {
    CHECK(OnDemandPolicy::registered_domain("a.b.example.com") == "example.com");
    CHECK(OnDemandPolicy::registered_domain("example.com") == "example.com");
    CHECK(OnDemandPolicy::registered_domain("localhost") == "localhost");
    CHECK(OnDemandPolicy::registered_domain("x.example.co.uk") == "co.uk");  // documented approximation
}

TEST_CASE("stored rules: a stored allow adds names, a stored deny beats every allow, replacing them takes effect") {
    OnDemandPolicy policy({"*.cli.example"}, {}, true);
    auto t0 = OnDemandPolicy::Clock::now();
    policy.remember("asked.other.example", true, t0);
    CHECK(policy.allowed("x.store.example", t0) == Verdict::Unknown);
    policy.set_shared_rules({"*.store.example"}, {"bad.cli.example", "asked.other.example", "y.store.example"});
    CHECK(policy.allowed("x.store.example", t0) == Verdict::Allowed);
    CHECK(policy.allowed("y.store.example", t0) == Verdict::Denied);      // stored deny beats stored allow
    CHECK(policy.allowed("bad.cli.example", t0) == Verdict::Denied);      // ... and --allow
    CHECK(policy.allowed("asked.other.example", t0) == Verdict::Denied);  // ... and a cached --ask yes
    CHECK(policy.allowed("good.cli.example", t0) == Verdict::Allowed);
    policy.set_shared_rules({}, {});
    CHECK(policy.allowed("bad.cli.example", t0) == Verdict::Allowed);
    CHECK(policy.allowed("x.store.example", t0) == Verdict::Unknown);
}

TEST_CASE("failures from the store refuse a name until its retry time, then it is allowed again") {
    OnDemandPolicy policy({"*.fail.example"}, {});
    auto t0 = OnDemandPolicy::Clock::now();
    policy.set_failures({{"x.fail.example", t0 + 30s}});
    CHECK(policy.allowed("x.fail.example", t0) == Verdict::Denied);
    CHECK(policy.allowed("y.fail.example", t0) == Verdict::Allowed);
    CHECK(policy.allowed("x.fail.example", t0 + 31s) == Verdict::Allowed);
    policy.set_failures({});
    CHECK(policy.allowed("x.fail.example", t0) == Verdict::Allowed);
}
