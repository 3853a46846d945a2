// RFC 2136 updates with TSIG and the dns-01 lookups (CNAME chain, SOA, NS)
// against a real BIND9 on loopback (tests/support/BindHarness).
#include "BindHarness.hpp"
#include "PebbleHarness.hpp"
#include "acme/challenge/dns/DnsTxtLookup.hpp"
#include "acme/challenge/dns/DnsZoneLookup.hpp"
#include "acme/challenge/dns/Rfc2136Client.hpp"
#include "acme/challenge/dns/Rfc2136Error.hpp"
#include "acme/challenge/dns/TsigKey.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace certa;
using test::BindHarness;
using test::BindZone;

namespace {

acme::DnsResolver server_of(const BindHarness& bind) { return acme::DnsResolver{"127.0.0.1", static_cast<std::uint16_t>(bind.port())}; }

acme::TsigKey key_of(const BindHarness& bind) { return acme::read_tsig_key_file(bind.key_file()).key; }

bool has(const std::vector<std::string>& values, const std::string& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

// A chain of `links` CNAMEs in the zone plain.test: c0 → c1 → ... → end.
std::string chain(int links) {
    std::string records;
    for (int i = 0; i < links; ++i)
        records += "c" + std::to_string(i) + " CNAME " + (i + 1 == links ? std::string("end") : "c" + std::to_string(i + 1)) +
                   ".plain.test.\n";
    return records;
}

}  // namespace

TEST_CASE("a signed update adds and removes exactly one TXT record; BIND verifies both ways") {
    BindHarness bind(std::vector<BindZone>{{"zone.test", ""}});
    acme::Rfc2136Client client(server_of(bind), key_of(bind));
    client.add_txt("zone.test.", "_acme-challenge.www.zone.test.", "value-one");
    client.add_txt("zone.test.", "_acme-challenge.www.zone.test.", "value-two");
    auto values = bind.txt("_acme-challenge.www.zone.test.");
    CHECK(values.size() == 2);
    CHECK(has(values, "value-one"));
    client.remove_txt("zone.test.", "_acme-challenge.www.zone.test.", "value-one");
    CHECK(bind.txt("_acme-challenge.www.zone.test.") == std::vector<std::string>{"value-two"});
    client.remove_txt("zone.test.", "_acme-challenge.www.zone.test.", "value-two");
    CHECK(bind.records_named("zone.test", "_acme-challenge").empty());
}

TEST_CASE("a wrong secret is NOTAUTH/BADSIG, an unknown key NOTAUTH/BADKEY, a foreign zone NOTAUTH; never the secret") {
    BindHarness bind(std::vector<BindZone>{{"zone.test", ""}});
    const std::string wrong = test::random_tsig_secret();
    auto refused = [&](const acme::TsigKey& key, const std::string& zone) -> std::pair<std::string, std::string> {
        try {
            acme::Rfc2136Client(server_of(bind), key).add_txt(zone, "_acme-challenge." + zone, "v");
        } catch (const acme::Rfc2136Error& e) {
            return {e.answer(), e.what()};
        }
        return {"accepted", ""};
    };
    auto [answer, what] = refused(acme::TsigKey{"certa-key.", "hmac-sha256", wrong}, "zone.test.");
    CHECK(answer == "NOTAUTH/BADSIG");
    CHECK(what.find("NOTAUTH/BADSIG") != std::string::npos);
    CHECK(what.find(bind.address()) != std::string::npos);
    CHECK(what.find(wrong) == std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
    std::tie(answer, what) = refused(acme::TsigKey{"nobody.", "hmac-sha256", bind.secret()}, "zone.test.");
    CHECK(answer == "NOTAUTH/BADKEY");
    CHECK(what.find(bind.secret()) == std::string::npos);
    // A zone this server does not serve.
    std::tie(answer, what) = refused(key_of(bind), "other.test.");
    CHECK(answer.rfind("NOTAUTH", 0) == 0);
    CHECK(bind.records_named("zone.test", "_acme-challenge").empty());
}

TEST_CASE("the update policy decides: TXT only, and only in the granted zone") {
    BindHarness bind(std::vector<BindZone>{{"zone.test", ""}, {"locked.test", "", false}});
    acme::Rfc2136Client client(server_of(bind), key_of(bind));
    try {
        client.add_txt("locked.test.", "_acme-challenge.locked.test.", "v");
        FAIL("update accepted in a zone without update-policy");
    } catch (const acme::Rfc2136Error& e) {
        CHECK(e.answer() == "REFUSED");
    }
}

TEST_CASE("the zone of a name is found by SOA, its servers by NS, on the update server's port") {
    BindHarness bind(std::vector<BindZone>{{"zone.test", "deep.sub IN TXT \"x\"\n"}});
    acme::DnsZoneLookup lookup(server_of(bind));
    for (const std::string name : {"zone.test.", "_acme-challenge.zone.test.", "_acme-challenge.a.b.zone.test",
                                   "deep.sub.zone.test."}) {
        const auto zone = lookup.find_zone(name);
        CHECK_MESSAGE(zone.name == "zone.test.", name);
        CHECK(zone.nameservers == std::vector<std::string>{"ns.zone.test."});
    }
    const auto servers = lookup.server_addresses(lookup.find_zone("zone.test."), static_cast<std::uint16_t>(bind.port()));
    CHECK(servers == std::vector<acme::DnsResolver>{server_of(bind)});
    // A server that does not answer: an error naming it, within the timeout.
    acme::DnsResolver silent{"127.0.0.1", static_cast<std::uint16_t>(test::free_tcp_udp_port())};
    try {
        acme::DnsZoneLookup(silent, std::chrono::milliseconds(300)).find_zone("zone.test.");
        FAIL("no error");
    } catch (const acme::DnsLookupError& e) {
        CHECK(std::string(e.what()).find(silent.to_string()) != std::string::npos);
    }
}

TEST_CASE("CNAME chains are followed up to 8 links; a loop or a 9th link is refused") {
    std::string records = chain(8);                                       // c0 .. c7 → end
    for (int i = 0; i < 9; ++i)                                          // l0 .. l8 → lend: 9 links
        records += "l" + std::to_string(i) + " CNAME " + (i == 8 ? std::string("lend") : "l" + std::to_string(i + 1)) +
                   ".plain.test.\n";
    records += "loop1 CNAME loop2.plain.test.\nloop2 CNAME loop1.plain.test.\n";
    records += "_acme-challenge.www CNAME www.challenges.zone.test.\n";
    BindHarness bind(std::vector<BindZone>{{"plain.test", records, false}, {"zone.test", ""}});
    acme::DnsZoneLookup lookup(server_of(bind));
    CHECK(lookup.follow_cname("_acme-challenge.www.plain.test.") == "www.challenges.zone.test.");
    CHECK(lookup.follow_cname("not-a-cname.plain.test.") == "not-a-cname.plain.test.");
    CHECK(lookup.follow_cname("c0.plain.test.") == "end.plain.test.");
    try {
        lookup.follow_cname("l0.plain.test.");
        FAIL("9 links accepted");
    } catch (const acme::DnsCnameError& e) {
        CHECK(std::string(e.what()).find("longer than 8") != std::string::npos);
    }
    try {
        lookup.follow_cname("loop1.plain.test.");
        FAIL("loop accepted");
    } catch (const acme::DnsCnameError& e) {
        CHECK(std::string(e.what()).find("loops at loop1.plain.test.") != std::string::npos);
    }
    // The target's zone is the one that takes updates.
    CHECK(lookup.find_zone("www.challenges.zone.test.").name == "zone.test.");
}
