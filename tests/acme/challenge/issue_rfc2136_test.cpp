// `certa issue --challenge dns-01 --dns-update HOST:PORT --tsig-key-file F`
// against a real Pebble whose VA asks a real BIND9 (both on loopback): a
// wildcard with its apex, nothing left in the zone, a wrong key refused in
// one line, `certa renew --force` with the recorded settings, CNAME
// delegation (RFC 2136 and the hook), CNAME loops and long chains, the allow
// file for a shared store's recorded update server and key file, and the
// secret never in the store or the output.
#include "BindHarness.hpp"
#include "IssueFixture.hpp"
#include "TestFiles.hpp"
#include "acme/request/IssueSettings.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

using namespace certa;
using test::BindHarness;
using test::describe;
using test::error_lines;
using test::IssueFixture;
using test::slurp;

namespace {

// plain.test takes no updates and holds only CNAMEs into zone.test (which does).
std::string plain_records() {
    std::string r = "_acme-challenge.www CNAME www.challenges.zone.test.\n"
                    "_acme-challenge.hooked CNAME hooked.challenges.zone.test.\n"
                    "_acme-challenge.loop CNAME loop2.plain.test.\nloop2 CNAME _acme-challenge.loop.plain.test.\n";
    for (int i = 0; i < 9; ++i)  // _acme-challenge.long → l1 → ... → l9: nine links
        r += (i == 0 ? std::string("_acme-challenge.long") : "l" + std::to_string(i)) + " CNAME l" +
             std::to_string(i + 1) + ".plain.test.\n";
    return r;
}

struct Rfc2136Fixture {
    BindHarness bind{std::vector<test::BindZone>{{"zone.test", ""}, {"plain.test", plain_records(), false}}};
    IssueFixture f{pebble_options()};

    test::PebbleOptions pebble_options() const {
        test::PebbleOptions o;
        o.dns_server = bind.address();
        return o;
    }
    // --dns-resolver: the lookups (CNAME, SOA, NS) ask BIND too, as there is no other DNS here.
    test::RunResult issue(std::vector<std::string> names, const std::string& key_file) const {
        std::vector<std::string> args{"--challenge", "dns-01", "--dns-update", bind.address(), "--tsig-key-file",
                                      key_file, "--dns-resolver", bind.address()};
        for (const auto& n : names) args.insert(args.end(), {"-d", n});
        return f.issue(args);
    }
    std::string store_bytes() const { return slurp(f.store_path()) + slurp(f.store_path() + "-wal"); }
    size_t certificates() const {
        storage::CertificateFilter all;
        all.include_inactive = true;
        return f.open()->list_certificates(all).size();
    }
};

}  // namespace

TEST_CASE("rfc2136: a wildcard and its apex, the zone left clean, renewals reuse the settings, the secret kept out") {
    Rfc2136Fixture x;
    auto r = x.issue({"*.zone.test", "zone.test"}, x.bind.key_file());
    INFO("named: ", x.bind.log().substr(0, 4000));
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto store = x.f.open();
    auto cert = store->find_active_certificate("*.zone.test");
    REQUIRE(cert);
    CHECK(store->find_active_certificate("zone.test")->id == cert->id);
    const auto settings = acme::IssueSettings::from_json(cert->settings_json);
    CHECK(settings.challenge == "dns-01");
    CHECK(settings.dns_update == x.bind.address());
    CHECK(settings.tsig_key_file == x.bind.key_file());
    CHECK(x.bind.records_named("zone.test", "_acme-challenge").empty());

    auto renewed = x.f.certa({"renew", "--force"});
    REQUIRE_MESSAGE(renewed.exit_code == 0, describe(renewed));
    auto next = x.f.open()->find_active_certificate("*.zone.test");
    REQUIRE(next);
    CHECK(next->id != cert->id);
    CHECK(acme::IssueSettings::from_json(next->settings_json).tsig_key_file == x.bind.key_file());
    CHECK(x.bind.records_named("zone.test", "_acme-challenge").empty());

    // The secret is in the key file only: not in the store, not in any output.
    const std::string secret = x.bind.secret();
    CHECK(x.store_bytes().find(secret) == std::string::npos);
    for (const auto* run : {&r, &renewed}) {
        CHECK(run->out.find(secret) == std::string::npos);
        CHECK(run->err.find(secret) == std::string::npos);
    }
}

TEST_CASE("rfc2136: a wrong secret or an unknown key is refused in one line naming BIND's answer; nothing stored") {
    Rfc2136Fixture x;
    const std::string wrong = test::random_tsig_secret();
    auto r = x.issue({"wrong.zone.test"}, x.bind.write_key_file("wrong.key", x.bind.key_name(), wrong));
    CHECK_MESSAGE(r.exit_code == 7, describe(r));
    CHECK(error_lines(r.err) == 1);
    CHECK(r.err.find("NOTAUTH/BADSIG") != std::string::npos);
    CHECK(r.err.find(x.bind.address()) != std::string::npos);
    CHECK(r.err.find(wrong) == std::string::npos);
    CHECK(x.store_bytes().find(wrong) == std::string::npos);

    r = x.issue({"wrong.zone.test"}, x.bind.write_key_file("unknown.key", "nobody", x.bind.secret()));
    CHECK_MESSAGE(r.exit_code == 7, describe(r));
    CHECK(error_lines(r.err) == 1);
    CHECK(r.err.find("NOTAUTH/BADKEY") != std::string::npos);
    CHECK(x.certificates() == 0);
    CHECK(x.bind.records_named("zone.test", "_acme-challenge").empty());
}

TEST_CASE("rfc2136: a key file others may read is refused before the CA is asked") {
    Rfc2136Fixture x;
    REQUIRE(::chmod(x.bind.key_file().c_str(), 0644) == 0);
    auto r = x.issue({"mode.zone.test"}, x.bind.key_file());
    CHECK_MESSAGE(r.exit_code == 5, describe(r));
    CHECK(error_lines(r.err) == 1);
    CHECK(r.err.find("chmod 600") != std::string::npos);
    CHECK(r.err.find(x.bind.secret()) == std::string::npos);
    CHECK(x.certificates() == 0);
}

TEST_CASE("CNAME delegation: the record goes to the CNAME's target, by RFC 2136 and by the hook") {
    Rfc2136Fixture x;
    auto r = x.issue({"www.plain.test"}, x.bind.key_file());
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(x.f.open()->find_active_certificate("www.plain.test"));
    CHECK(x.bind.records_named("zone.test", "challenges").empty());

    // The hook gets the target as FQDN and writes it with nsupdate (BIND's own client).
    const std::string log = x.f.dir.file("hook.log");
    const std::string hook = x.f.dir.file("nsupdate-hook.sh");
    std::ofstream(hook) << "#!/bin/sh\necho \"$1 $2\" >> " << log << "\n"
                        << "op=add; ttl=60; [ \"$1\" = remove ] && op=delete && ttl=\n"
                        << "printf 'server 127.0.0.1 " << x.bind.port()
                        << "\\nupdate %s %s %s TXT \"%s\"\\nsend\\n' \"$op\" \"$2\" \"$ttl\" \"$3\" | nsupdate -k "
                        << x.bind.key_file() << "\n";
    REQUIRE(::chmod(hook.c_str(), 0700) == 0);
    r = x.f.issue({"--challenge", "dns-01", "--dns-hook", hook, "--dns-resolver", x.bind.address(), "-d",
                   "hooked.plain.test"});
    INFO("hook log: ", slurp(log));
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(slurp(log) == "add hooked.challenges.zone.test.\nremove hooked.challenges.zone.test.\n");
    CHECK(x.bind.records_named("zone.test", "challenges").empty());
}

TEST_CASE("CNAME delegation: a loop or a chain of 9 links is refused in one line") {
    Rfc2136Fixture x;
    auto r = x.issue({"loop.plain.test"}, x.bind.key_file());
    CHECK_MESSAGE(r.exit_code == 1, describe(r));
    CHECK(error_lines(r.err) == 1);
    CHECK(r.err.find("CNAME chain from _acme-challenge.loop.plain.test. loops") != std::string::npos);
    r = x.issue({"long.plain.test"}, x.bind.key_file());
    CHECK_MESSAGE(r.exit_code == 1, describe(r));
    CHECK(error_lines(r.err) == 1);
    CHECK(r.err.find("longer than 8 links") != std::string::npos);
    CHECK(x.certificates() == 0);
}

TEST_CASE("--dns-update and --tsig-key-file go together, and not with --dns-hook") {
    Rfc2136Fixture x;
    auto r = x.f.issue({"--challenge", "dns-01", "--dns-update", x.bind.address(), "-d", "u.zone.test"});
    CHECK_MESSAGE(r.exit_code == 2, describe(r));
    CHECK(r.err.find("--dns-update and --tsig-key-file go together") != std::string::npos);
    r = x.f.issue({"--challenge", "dns-01", "--dns-update", x.bind.address(), "--tsig-key-file", x.bind.key_file(),
                   "--dns-hook", "/bin/true", "-d", "u.zone.test"});
    CHECK_MESSAGE(r.exit_code == 2, describe(r));
    CHECK(r.err.find("not both") != std::string::npos);
    r = x.f.issue({"--challenge", "dns-01", "--dns-update", "[::1", "--tsig-key-file", x.bind.key_file(), "-d",
                   "u.zone.test"});
    CHECK_MESSAGE(r.exit_code == 2, describe(r));
    CHECK(r.err.find("--dns-update '[::1'") != std::string::npos);
}

TEST_CASE("rfc2136: a shared store's recorded update server and key file need the local allow file") {
    REQUIRE_MESSAGE(::geteuid() == 0, "handing the store to another user needs root");
    Rfc2136Fixture x;
    auto r = x.issue({"shared.zone.test"}, x.bind.key_file());
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    REQUIRE(::chown(x.f.store_path().c_str(), 65534, 65534) == 0);  // someone else can now write the store
    const std::string allow = x.f.dir.file("allow");
    auto refused = x.f.certa({"renew", "--force", "--allow-file", allow});
    CHECK(refused.exit_code == 1);
    CHECK_MESSAGE(refused.out.find("shared.zone.test: failed: the dns update server recorded in the store is not "
                                   "allowed on this host") != std::string::npos,
                  describe(refused));
    std::ofstream(allow) << "dns-update " << x.bind.address() << "\nca-bundle " << x.f.pebble.ca_bundle_path() << "\n";
    refused = x.f.certa({"renew", "--force", "--allow-file", allow});
    CHECK(refused.exit_code == 1);
    CHECK_MESSAGE(refused.out.find("the TSIG key file recorded in the store is not allowed") != std::string::npos,
                  describe(refused));
    CHECK((refused.out + refused.err).find(x.bind.key_file()) == std::string::npos);  // never echoed
    std::ofstream(allow, std::ios::app) << "tsig-key-file " << x.bind.key_file() << "\n";
    auto allowed = x.f.certa({"renew", "--force", "--allow-file", allow});
    CHECK_MESSAGE(allowed.exit_code == 0, describe(allowed));
    CHECK(x.certificates() == 2);
    CHECK(x.bind.records_named("zone.test", "_acme-challenge").empty());
}
