// CA failover (issue 24 part 1) with two real Pebbles (their own ports and
// roots; both validate http-01 on the fixture's responder port), each behind
// the project's HTTPS front (tests/support/AriResponder) where a test needs a
// CA that answers 503 or refuses an order: `certa issue --server A --server B`
// gets its certificate from B when A is stopped or answers 503, not when A
// refuses the name (rejectedIdentifier); the row, list, show, --json and the
// metrics name the CA that issued; renewals start again at A once A is back,
// without sending A the certID of B's certificate (RFC 9773 §5), and ARI asks
// only the CA that issued; EAB flags belong to the --server they follow.
#include "renew_fixture.hpp"

#include "tests/cli/CliTestUtil.hpp"
#include "tests/support/AriResponder.hpp"

#include <cpprest/json.h>
#include <doctest/doctest.h>

using namespace certa::test;
using namespace certa::test::renew;

namespace {

// A second Pebble that validates http-01 on the fixture's responder port.
PebbleOptions second_ca(const Fixture& f, std::map<std::string, std::string> eab = {}) {
    PebbleOptions o;
    o.http01_port = f.pebble.http01_port();
    o.eab = std::move(eab);
    return o;
}

// One ca-bundle trusting every HTTPS endpoint of the test (both Pebbles' WFE and the fronts).
std::string bundle(const Fixture& f, const std::vector<std::string>& files) {
    std::string pem;
    for (const auto& file : files) pem += cli::read_file(file);
    const std::string path = f.dir.file("ca-bundle.pem");
    cli::write_file(path, pem);
    return path;
}

RunResult issue_from(const Fixture& f, const std::string& name, const std::vector<std::string>& ca_args) {
    std::vector<std::string> args{"issue", "--ca-bundle", f.ca_bundle, "--agree-tos", "--http-address", "127.0.0.1",
                                  "--http-port", std::to_string(f.pebble.http01_port()), "-d", name};
    args.insert(args.end(), ca_args.begin(), ca_args.end());
    return f.certa(args);
}

web::json::value json_of(const RunResult& r) { return web::json::value::parse(r.out); }

}  // namespace

TEST_CASE("failover: the first CA stopped, the second issues; list, show, --json and metrics name it") {
    Fixture f;
    PebbleHarness b(second_ca(f));
    f.ca_bundle = bundle(f, {f.pebble.ca_bundle_path(), b.ca_bundle_path()});
    const std::string a_url = f.pebble.directory_url(), b_url = b.directory_url();
    f.pebble.stop_pebble();  // A's port is closed

    auto r = issue_from(f, "stopped.failover.test", {"--server", a_url, "--server", b_url});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("trying " + b_url) != std::string::npos);  // the failover is logged
    const auto rows = f.active();
    REQUIRE(rows.size() == 1);
    CHECK(rows.front().server == b_url);

    auto list = f.certa({"list"});
    CHECK(list.exit_code == 0);
    CHECK(list.out.find(" CA ") != std::string::npos);
    CHECK(list.out.find(b_url) != std::string::npos);
    auto list_json = json_of(f.certa({"--json", "list"}));
    const auto& item = list_json.at("certificates").at(0);
    CHECK(item.at("ca").as_string() == b_url);
    REQUIRE(item.at("ca_list").size() == 2);
    CHECK(item.at("ca_list").at(0).as_string() == a_url);
    CHECK(item.at("ca_list").at(1).as_string() == b_url);

    auto show = f.certa({"show", "stopped.failover.test"});
    CHECK(show.out.find("Server:       " + b_url) != std::string::npos);
    CHECK(show.out.find("CA list:      " + a_url + ", then " + b_url) != std::string::npos);
    auto show_json = json_of(f.certa({"--json", "show", "stopped.failover.test"}));
    CHECK(show_json.at("ca").as_string() == b_url);

    auto metrics = f.certa({"metrics"});
    CHECK(metrics.exit_code == 0);
    CHECK(metrics.out.find("certa_certificate_info{id=\"" + std::to_string(rows.front().id) +
                           "\",name=\"stopped.failover.test\",ca=\"" + b_url + "\"} 1") != std::string::npos);

    // --each: every name fails over on its own (two threads share B's account).
    r = issue_from(f, "each1.failover.test",
                   {"--server", a_url, "--server", b_url, "--each", "--parallel", "2", "-d", "each2.failover.test"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto all = f.active();
    REQUIRE(all.size() == 3);
    for (const auto& row : all) CHECK(row.server == b_url);
    CHECK(f.store->list_accounts().size() == 1);  // one account at B, none at A (never reached)

    // Both down: one line naming each CA tried, exit 1 (the CA's side failed).
    b.stop_pebble();
    r = issue_from(f, "both.failover.test", {"--server", a_url, "--server", b_url});
    CHECK(r.exit_code == 1);
    const auto last = r.err.substr(r.err.rfind("certa: "));
    CHECK(cli::line_count(last) == 1);
    CHECK(last.find("no CA issued the certificate: " + a_url + ": ") != std::string::npos);
    CHECK(last.find("; " + b_url + ": ") != std::string::npos);
}

TEST_CASE("failover: A answers 503, B issues; renewals return to A without replaces for B's certificate") {
    Fixture f;
    PebbleHarness b(second_ca(f));
    AriResponder fa(f.pebble), fb(b);
    f.ca_bundle = bundle(f, {fa.ca_bundle_path(), fb.ca_bundle_path()});
    const std::string a_url = fa.directory_url(), b_url = fb.directory_url();

    fa.set_unavailable(true);
    auto r = issue_from(f, "busy.failover.test", {"--server", a_url, "--server", b_url});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(fa.unavailable_answers() >= 1);
    auto from_b = f.active();
    REQUIRE(from_b.size() == 1);
    CHECK(from_b.front().server == b_url);
    CHECK(fb.new_order_replaces() == std::vector<std::string>{""});

    // A scheduled run asks renewalInfo of B only: B issued it (A is still down, and not asked).
    const int a_before = fa.unavailable_answers();
    r = f.renew();
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(fb.renewal_info_requests(from_b.front().ari_cert_id) == 1);
    CHECK(fa.unavailable_answers() == a_before);

    // A is back: the next renewal starts at the head of the list and A issues,
    // with no "replaces" (A did not issue the certificate being replaced).
    fa.set_unavailable(false);
    r = f.renew({"--force"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    auto from_a = f.active();
    REQUIRE(from_a.size() == 1);
    CHECK(from_a.front().server == a_url);
    CHECK(fa.new_order_replaces() == std::vector<std::string>{""});
    CHECK(fb.new_order_replaces().size() == 1);  // B got no second order
    CHECK(f.store->get_certificate(from_b.front().id)->status == certa::storage::CertificateStatus::Replaced);

    // A's own certificate renewed at A: now "replaces" names it.
    r = f.renew({"--force"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    const auto replaces = fa.new_order_replaces();
    REQUIRE(replaces.size() == 2);
    CHECK(replaces.back() == from_a.front().ari_cert_id);
    CHECK(f.active().front().server == a_url);
}

TEST_CASE("failover: rejectedIdentifier from A does not fail over; EAB flags belong to their --server") {
    Fixture f;
    const std::string kid = "kid-b", hmac = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    PebbleHarness b(second_ca(f, {{kid, hmac}}));  // B requires external account binding
    AriResponder fa(f.pebble), fb(b);
    f.ca_bundle = bundle(f, {fa.ca_bundle_path(), fb.ca_bundle_path()});
    const std::string a_url = fa.directory_url(), b_url = fb.directory_url();
    const std::string key_file = f.dir.file("eab-b.key");
    cli::write_file(key_file, hmac + "\n");

    fa.refuse_orders(1, 400, "rejectedIdentifier");
    auto r = issue_from(f, "refused.failover.test",
                        {"--server", a_url, "--server", b_url, "--eab-kid", kid, "--eab-hmac-key-file", key_file});
    CHECK(r.exit_code == 1);
    REQUIRE(r.err.rfind("certa: ") != std::string::npos);
    const auto last = r.err.substr(r.err.rfind("certa: "));
    CHECK(cli::line_count(last) == 1);
    CHECK(last.find("urn:ietf:params:acme:error:rejectedIdentifier") != std::string::npos);
    CHECK(last.find(b_url) == std::string::npos);
    CHECK(fb.new_order_replaces().empty());  // B never got an order
    CHECK(f.active().empty());

    // A down: B issues with the EAB that followed its --server (B refuses accounts without one).
    fa.set_unavailable(true);
    r = issue_from(f, "eab.failover.test",
                   {"--server", a_url, "--server", b_url, "--eab-kid", kid, "--eab-hmac-key-file", key_file});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    REQUIRE(f.active().size() == 1);
    CHECK(f.active().front().server == b_url);

    // An EAB flag given twice for one CA is a usage error.
    r = issue_from(f, "twice.failover.test", {"--server", a_url, "--eab-kid", "x", "--eab-kid", "y"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--eab-kid given twice for --server " + a_url) != std::string::npos);
}
