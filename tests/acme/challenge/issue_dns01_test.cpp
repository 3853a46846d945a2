// `certa issue --challenge dns-01` against a real Pebble, with a hook script
// (tests/acme/dns_hook.sh) that sets TXT records in pebble-challtestsrv.
#include "IssueFixture.hpp"

#include "TestFiles.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace certa;
using certa::test::describe;
using certa::test::IssueFixture;

using certa::test::slurp;

namespace {

std::string hook_path() {
    const char* dir = std::getenv("CERTA_TEST_SOURCE_DIR");
    REQUIRE(dir != nullptr);
    return std::string(dir) + "/acme/dns_hook.sh";
}

test::RunOptions hook_env(const IssueFixture& f, const std::string& log) {
    test::RunOptions o;
    o.env["CERTA_TEST_DNS_MANAGEMENT"] = f.pebble.dns_management_url();
    o.env["CERTA_TEST_HOOK_LOG"] = log;
    return o;
}

}  // namespace

TEST_CASE("dns-01: a wildcard and its base name in one certificate") {
    IssueFixture f;
    const std::string log = f.dir.file("hook.log");
    // The propagation check asks challtestsrv, where both values (one name) must show.
    auto r = f.issue({"--challenge", "dns-01", "--dns-hook", hook_path(), "--dns-resolver",
                      "127.0.0.1:" + std::to_string(f.pebble.dns_port()), "-d", "*.wild.example", "-d", "wild.example"},
                     hook_env(f, log));
    INFO("hook log: ", slurp(log));
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto store = f.open();
    auto wildcard = store->find_active_certificate("*.wild.example");
    REQUIRE(wildcard);
    CHECK(store->find_active_certificate("wild.example")->id == wildcard->id);
    CHECK(wildcard->settings_json.find("\"challenge\":\"dns-01\"") != std::string::npos);

    // Both authorizations used _acme-challenge.wild.example. with the hook's
    // environment set, and every record added was removed again.
    const std::string calls = slurp(log);
    CHECK(calls.find("add _acme-challenge.wild.example. ") != std::string::npos);
    CHECK(calls.find("remove _acme-challenge.wild.example. ") != std::string::npos);
    CHECK(calls.find("env:add _acme-challenge.wild.example. ") != std::string::npos);
    CHECK(calls.find(" *.wild.example\n") != std::string::npos);
    size_t adds = 0, removes = 0;
    std::istringstream lines(calls);
    for (std::string line; std::getline(lines, line);) {
        adds += line.rfind("add ", 0) == 0;
        removes += line.rfind("remove ", 0) == 0;
    }
    CHECK(adds == 2);
    CHECK(removes == 2);
}

TEST_CASE("dns-01: a failing hook is an error naming the hook, nothing stored") {
    IssueFixture f;
    const std::string hook = f.dir.file("failing_hook.sh");
    {
        std::ofstream out(hook);
        out << "#!/bin/sh\necho \"no such zone\" >&2\nexit 3\n";
    }
    REQUIRE(test::run({"chmod", "755", hook}).exit_code == 0);
    auto r = f.issue({"--challenge", "dns-01", "--dns-hook", hook, "--dns-resolver",
                      "127.0.0.1:" + std::to_string(f.pebble.dns_port()), "-d", "hookfail.example"});
    CHECK_MESSAGE(r.exit_code == 1, describe(r));
    CHECK(r.err.find("exit status 3") != std::string::npos);
    CHECK(r.err.find("no such zone") != std::string::npos);
    storage::CertificateFilter all;
    all.include_inactive = true;
    CHECK(f.open()->list_certificates(all).empty());
}

TEST_CASE("dns-01 without a hook is a usage error") {
    IssueFixture f;
    auto r = f.issue({"--challenge", "dns-01", "-d", "nohook.example"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--dns-hook") != std::string::npos);
}
