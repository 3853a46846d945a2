// `certa issue` against a CA that misbehaves (tests/support/AriResponder in
// front of Pebble, rewriting its answers): ACME runs over HTTPS only, and an
// authorization for a name nobody ordered is refused before any challenge is
// presented (no hook runs, no challenge row is written).
#include "renew_fixture.hpp"

#include "tests/support/AriResponder.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace certa::test;
using namespace certa::test::renew;

TEST_CASE("https only: an http:// --server is a usage error; an http:// URL from the CA is refused unsent") {
    Fixture f;
    f.server = "http://127.0.0.1:" + std::to_string(f.pebble.acme_port()) + "/dir";
    auto plain = f.issue({"plain.https.test"});
    CHECK(plain.exit_code == 2);
    CHECK(plain.err.find("https://") != std::string::npos);

    AriResponder ari(f.pebble);
    f.server = ari.directory_url();
    f.ca_bundle = ari.ca_bundle_path();
    ari.downgrade_directory_entry("newOrder");
    auto r = f.issue({"downgraded.https.test"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not an https URL") != std::string::npos);
    INFO(r.err);
    CHECK(r.err.find("certa: ") == r.err.rfind("certa: "));  // one error line (the fixture's responder may warn)
    CHECK(ari.new_order_replaces().empty());  // no newOrder reached the front
    CHECK(f.all().empty());
}

TEST_CASE("an authorization for a name that was not ordered is refused before any hook or challenge row") {
    Fixture f;
    AriResponder ari(f.pebble);
    f.server = ari.directory_url();
    f.ca_bundle = ari.ca_bundle_path();
    ari.rewrite_authorization_identifier("asked.hostile.test", "victim.example");
    const std::string log = f.dir.file("hook.log");
    const std::string hook = f.dir.file("hook.sh");
    std::ofstream(hook) << "#!/bin/sh\necho \"$@\" >> " << log << "\n";
    std::filesystem::permissions(hook, std::filesystem::perms::owner_all);
    auto r = f.issue({"asked.hostile.test"}, {"--challenge", "dns-01", "--dns-hook", hook,
                                              "--dns-propagation-timeout", "0"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("authorization for victim.example, which this order did not ask for") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(log));  // the dns hook never ran
    CHECK(f.store->active_challenges(certa::storage::ChallengeType::Dns01).empty());
    CHECK(f.all().empty());
}
