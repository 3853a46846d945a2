// Renewer in process against a real Pebble: what is not due is left alone,
// --force renews under the row's lease and then deploys (export dir + hook),
// a held lease skips, a run killed before deploying is finished by the next
// one, unknown names fail, and a failure backs off by the injected clock.
#include "acme/renew/Renewer.hpp"

#include "DirectIssue.hpp"
#include "PebbleHarness.hpp"
#include "TempDir.hpp"
#include "storage/base/OpenSsl.hpp"

#include "TestFiles.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace certa;
using namespace certa::acme;

using certa::test::slurp;

namespace {

std::string serial_of_pem(const std::string& pem) {
    auto chain = ossl::parse_chain_pem(pem);
    REQUIRE_FALSE(chain.empty());
    ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(chain[0].get()), nullptr));
    struct OsslFree {
        void operator()(char* p) const noexcept { OPENSSL_free(p); }
    };
    const std::unique_ptr<char, OsslFree> hex(BN_bn2hex(bn.get()));
    return std::string(hex.get());
}

struct Fixture {
    test::PebbleHarness pebble;
    test::TempDir dir;
    std::unique_ptr<storage::Store> store = storage::open_store(dir.file("certa.db"));

    // One certificate issued with settings that export to dir/out and run a hook.
    storage::CertificateRecord issue(const std::string& name) {
        IssueSettings settings;
        settings.server = pebble.directory_url();
        settings.ca_bundle = pebble.ca_bundle_path();
        settings.http_address = "127.0.0.1";
        settings.http_port = static_cast<std::uint16_t>(pebble.http01_port());
        settings.agree_tos = true;
        settings.export_dirs = {dir.file("out")};
        settings.deploy_hook = "echo \"$CERTA_CERT_ID\" >> " + dir.file("hook.log");
        return test::issue_directly(*store, settings, name);
    }
    // As `certa renew` without --quiet: certificates left alone are reported too.
    RenewOptions options(bool force) const {
        RenewOptions o;
        o.policy = LocalPolicy::trust_store();  // a store in this test's own temp dir
        o.force = force;
        o.owner = "renewer-test";
        o.report_not_due = true;
        return o;
    }
};

}  // namespace

TEST_CASE("not due: left alone; --force: renewed, exported and deployed once") {
    Fixture f;
    const auto first = f.issue("renewer.example");

    auto outcomes = Renewer(*f.store, f.options(false)).run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::NotDue);
    CHECK(outcomes[0].when > storage::unix_now());
    CHECK(f.store->get_certificate(first.id)->status == storage::CertificateStatus::Active);

    outcomes = Renewer(*f.store, f.options(true)).run();
    REQUIRE(outcomes.size() == 1);
    CHECK_MESSAGE(outcomes[0].status == RenewStatus::Renewed, outcomes[0].error);
    CHECK(outcomes[0].deploy_error.empty());
    const auto renewed = f.store->get_certificate(outcomes[0].new_id);
    REQUIRE(renewed);
    CHECK(f.store->get_certificate(first.id)->replaced_by == renewed->id);
    // The export dir holds the new certificate and the hook ran for the new row.
    CHECK(serial_of_pem(slurp(f.dir.file("out/cert.pem"))) == serial_of_pem(renewed->chain_pem));
    CHECK(slurp(f.dir.file("hook.log")) == std::to_string(renewed->id) + "\n");
    CHECK_FALSE(renewed->deploy_pending);
}

TEST_CASE("a lease held by another renewer skips the row; unknown names fail") {
    Fixture f;
    const auto cert = f.issue("leased.renewer.example");
    auto grant = f.store->acquire_lease("cert:" + std::to_string(cert.id), "someone-else", 120);
    REQUIRE(grant.acquired);
    auto outcomes = Renewer(*f.store, f.options(true)).run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::Skipped);
    CHECK(outcomes[0].error.find("someone-else") != std::string::npos);
    CHECK(f.store->get_certificate(cert.id)->status == storage::CertificateStatus::Active);

    auto named = f.options(true);
    named.names = {"nobody.example"};
    outcomes = Renewer(*f.store, named).run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::Failed);
    CHECK(outcomes[0].error == "no active certificate for this name");
}

TEST_CASE("a renewal whose deploy did not run is deployed by the next run, once") {
    Fixture f;
    const auto cert = f.issue("pending.renewer.example");
    // What a run killed between storing and deploying leaves behind.
    f.store->set_deploy_pending(cert.id, true);

    auto outcomes = Renewer(*f.store, f.options(false)).run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::Deployed);
    CHECK(outcomes[0].new_id == cert.id);
    CHECK(slurp(f.dir.file("hook.log")) == std::to_string(cert.id) + "\n");
    CHECK_FALSE(f.store->get_certificate(cert.id)->deploy_pending);
    outcomes = Renewer(*f.store, f.options(false)).run();
    CHECK(outcomes[0].status == RenewStatus::NotDue);
    CHECK(slurp(f.dir.file("hook.log")) == std::to_string(cert.id) + "\n");
}

TEST_CASE("a failed renewal backs off from the injected clock's now") {
    Fixture f;
    auto cert = f.issue("down.renewer.example");
    auto settings = IssueSettings::from_json(cert.settings_json);
    settings.server = "https://127.0.0.1:1/dir";  // nothing listens there
    f.store->update_settings(cert.id, settings.to_json());

    storage::ManualClock clock(storage::unix_now() + 1000);
    auto options = f.options(true);
    options.clock = &clock;
    auto outcomes = Renewer(*f.store, options).run();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == RenewStatus::Failed);
    const auto after = f.store->get_certificate(cert.id);
    CHECK(after->failures == 1);
    CHECK(after->next_attempt == clock.now() + 300);  // 5 minutes after the first failure
    CHECK_FALSE(after->last_error.empty());
    CHECK(after->last_error_class == "network");  // from the HttpError, not its text

    // Without --force the back-off holds until the clock passes it.
    outcomes = Renewer(*f.store, f.options(false)).run();
    CHECK(outcomes[0].status == RenewStatus::NotDue);
    CHECK(outcomes[0].when == after->next_attempt);
}

TEST_CASE("an export recorded while a deploy runs is kept (state and settings are written apart)") {
    Fixture f;
    const auto cert = f.issue("concurrent.renewer.example");
    const char* certa = std::getenv("CERTA_BIN");
    REQUIRE(certa);
    // The deploy hook itself records a second export dir through another
    // process while the Deployer is between reading and clearing its state.
    const std::string second = f.dir.file("second");
    f.store->edit_settings(cert.id, [&](const std::string& current) {
        auto settings = IssueSettings::from_json(current);
        settings.deploy_hook = std::string(certa) + " --store '" + f.dir.file("certa.db") +
                               "' export concurrent.renewer.example --dir '" + second + "'";
        return settings.to_json();
    });
    auto outcomes = Renewer(*f.store, f.options(true)).run();
    REQUIRE(outcomes.size() == 1);
    CHECK_MESSAGE(outcomes[0].status == RenewStatus::Renewed, outcomes[0].error);
    CHECK_MESSAGE(outcomes[0].deploy_error.empty(), outcomes[0].deploy_error);
    const auto renewed = f.store->get_certificate(outcomes[0].new_id);
    REQUIRE(renewed);
    CHECK_FALSE(renewed->deploy_pending);
    const auto dirs = IssueSettings::from_json(renewed->settings_json).export_dirs;
    CHECK(dirs == std::vector<std::string>{f.dir.file("out"), second});
    CHECK(slurp(second + "/cert.pem") == slurp(f.dir.file("out/cert.pem")));
}
