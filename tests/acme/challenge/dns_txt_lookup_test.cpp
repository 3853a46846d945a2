// TXT lookups (c-ares) and the dns-01 propagation wait, against the DNS
// server of a real pebble-challtestsrv on loopback.
#include "PebbleHarness.hpp"
#include "acme/challenge/Dns01Solver.hpp"
#include "acme/challenge/dns/DnsTxtLookup.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

using namespace certa;
using std::chrono::milliseconds;

namespace {

acme::DnsResolver challtestsrv(const test::PebbleHarness& pebble) {
    return acme::DnsResolver{"127.0.0.1", static_cast<std::uint16_t>(pebble.dns_port())};
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TEST_CASE("--dns-resolver values: IPv4, IPv6, with and without a port; names and junk refused") {
    CHECK(acme::parse_dns_resolver("127.0.0.1") == acme::DnsResolver{"127.0.0.1", 53});
    CHECK(acme::parse_dns_resolver("127.0.0.1:8053") == acme::DnsResolver{"127.0.0.1", 8053});
    CHECK(acme::parse_dns_resolver("::1") == acme::DnsResolver{"::1", 53});
    CHECK(acme::parse_dns_resolver("[::1]") == acme::DnsResolver{"::1", 53});
    CHECK(acme::parse_dns_resolver("[::1]:5353") == acme::DnsResolver{"::1", 5353});
    CHECK(acme::parse_dns_resolver("[::1]:5353").to_string() == "[::1]:5353");
    CHECK(acme::parse_dns_resolver("10.0.0.1").to_string() == "10.0.0.1:53");
    for (const char* bad : {"", "localhost", "ns1.example.com:53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                            "127.0.0.1:53x", "[::1", "[::1]53", "[127.0.0.1]:53", "1.2.3", "[::1]:"})
        CHECK_THROWS_AS(acme::parse_dns_resolver(bad), std::invalid_argument);
}

TEST_CASE("the system's resolvers are read (at least one)") {
    CHECK_FALSE(acme::system_dns_resolvers().empty());
}

TEST_CASE("TXT lookups at challtestsrv: present, absent, two values on one name") {
    test::PebbleHarness pebble;
    acme::DnsTxtLookup lookup(challtestsrv(pebble));
    const std::string name = "_acme-challenge.lookup.example.";

    CHECK(lookup.txt_records(name, milliseconds(5000)).empty());
    CHECK(acme::wait_for_txt(name, "first-value", {challtestsrv(pebble)}, milliseconds(300), milliseconds(100)) ==
          std::vector{challtestsrv(pebble)});

    REQUIRE(pebble.set_txt(name, "first-value"));
    auto records = lookup.txt_records(name, milliseconds(5000));
    CHECK(records == std::vector<std::string>{"first-value"});
    CHECK(acme::wait_for_txt(name, "first-value", {challtestsrv(pebble)}, milliseconds(3000)).empty());
    CHECK_FALSE(acme::wait_for_txt(name, "other-value", {challtestsrv(pebble)}, milliseconds(300), milliseconds(100))
                    .empty());

    // A wildcard and its base name: two TXT values on the same name.
    REQUIRE(pebble.set_txt(name, "second-value"));
    records = lookup.txt_records(name, milliseconds(5000));
    CHECK(records.size() == 2);
    CHECK(contains(records, "first-value"));
    CHECK(contains(records, "second-value"));
    CHECK(acme::wait_for_txt(name, "first-value", {challtestsrv(pebble)}, milliseconds(3000)).empty());
    CHECK(acme::wait_for_txt(name, "second-value", {challtestsrv(pebble)}, milliseconds(3000)).empty());

    // Another name is not affected; clearing removes both values.
    CHECK(lookup.txt_records("_acme-challenge.other.example.", milliseconds(5000)).empty());
    REQUIRE(pebble.clear_txt(name));
    CHECK(lookup.txt_records(name, milliseconds(5000)).empty());
}

TEST_CASE("an unreachable resolver is reported as not showing the record, within the timeout") {
    test::PebbleHarness pebble;
    const std::string name = "_acme-challenge.unreachable.example.";
    REQUIRE(pebble.set_txt(name, "value"));
    // A loopback port nobody listens on (TCP and UDP free a moment ago).
    const acme::DnsResolver closed{"127.0.0.1", static_cast<std::uint16_t>(test::free_tcp_udp_port())};

    acme::DnsTxtLookup lookup(closed);
    CHECK_THROWS_AS(lookup.txt_records(name, milliseconds(1500)), acme::DnsLookupError);

    // Visible at challtestsrv, not at the closed ports (IPv4 and IPv6
    // loopback): only the closed ones are reported.
    const acme::DnsResolver closed6 = acme::parse_dns_resolver("[::1]:" + std::to_string(closed.port));
    const auto missing = acme::wait_for_txt(name, "value", {closed, challtestsrv(pebble), closed6},
                                            milliseconds(2000), milliseconds(200));
    CHECK(missing == std::vector{closed, closed6});

    // The solver's error names the FQDN and the resolvers, and what() is one line.
    acme::Dns01PropagationError error(name, missing, milliseconds(2000));
    const std::string what = error.what();
    CHECK(what == "dns-01: TXT record for " + name + " not visible at " + closed.to_string() + ", [::1]:" +
                      std::to_string(closed.port) + " after 2 s");
}
