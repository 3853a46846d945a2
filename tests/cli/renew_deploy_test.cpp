// `certa renew` killed (kill -9) after the new certificate is stored but
// before its export dirs and deploy hook finished: the next run redoes export
// + hook for that certificate (without ordering again), exactly once.
#include "renew_fixture.hpp"

#include "tests/cli/CliTestUtil.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <sstream>

using namespace certa::test;
using namespace certa::test::renew;
using certa::storage::CertificateStatus;

namespace {

std::string leaf_pem_of(const certa::storage::CertificateRecord& c) {
    const auto end = c.chain_pem.find("-----END CERTIFICATE-----");
    return c.chain_pem.substr(0, end + std::string("-----END CERTIFICATE-----\n").size());
}

std::vector<std::string> lines_of(const std::string& path) {
    std::vector<std::string> lines;
    if (!std::filesystem::exists(path)) return lines;
    std::istringstream in(cli::read_file(path));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("a renew killed before its export and deploy hook: the rerun exports and runs the hook") {
    Fixture f;
    REQUIRE(f.issue({"crash.deploy.test"}).exit_code == 0);
    const auto old = f.active().front();
    const std::string exported = f.dir.file("exported");
    REQUIRE(f.certa({"export", "crash.deploy.test", "--dir", exported}).exit_code == 0);

    // The hook kills its parent (certa, which runs it as `sh -c`) the first
    // time, before recording anything; later runs append CERTA_CERT_ID.
    const std::string killed_flag = f.dir.file("killed-once");
    const std::string ran = f.dir.file("hook-ran");
    const std::string hook = "if [ ! -e '" + killed_flag + "' ]; then touch '" + killed_flag +
                             "'; kill -9 $PPID; exit 0; fi; echo \"$CERTA_CERT_ID\" >> '" + ran + "'";
    auto crashed = f.renew({"--days", "36500", "--deploy-hook", hook, "--lease-ttl", "3"});
    REQUIRE_MESSAGE(crashed.signal == SIGKILL, (crashed.out + crashed.err));
    REQUIRE(std::filesystem::exists(killed_flag));
    CHECK(lines_of(ran).empty());

    // The new certificate is stored (and serves) with its deploy still pending.
    const auto after_crash = f.active();
    REQUIRE(after_crash.size() == 1);
    const auto fresh = after_crash.front();
    CHECK(fresh.id != old.id);
    CHECK(f.store->get_certificate(old.id)->status == CertificateStatus::Replaced);
    CHECK(fresh.deploy_pending);
    CHECK(fresh.settings_json.find("deploy_pending") == std::string::npos);  // state, not a setting
    CHECK(f.events(fresh.id, "deployed") == 0);
    // Take the export away so that the rerun must write it again.
    std::filesystem::remove_all(exported);

    // Let the killed run's leases (--lease-ttl 3, whole seconds) lapse.
    std::this_thread::sleep_for(std::chrono::milliseconds(4500));
    auto rerun = f.renew({"--exit-code-on-renewal"});
    CHECK_MESSAGE(rerun.exit_code == 10, (rerun.out + rerun.err));
    CHECK_MESSAGE(rerun.out.find("crash.deploy.test: deployed (") != std::string::npos, rerun.out);
    CHECK(f.all().size() == 2);  // nothing was ordered again
    REQUIRE(f.active().size() == 1);
    CHECK(f.active().front().id == fresh.id);
    CHECK(lines_of(ran) == std::vector<std::string>{std::to_string(fresh.id)});
    CHECK(cli::read_file(exported + "/cert.pem") == leaf_pem_of(fresh));
    CHECK(cli::read_file(exported + "/privkey.pem") == fresh.key_pem);
    CHECK(f.events(fresh.id, "deployed") == 1);
    const auto settled = f.store->get_certificate(fresh.id);
    CHECK_FALSE(settled->deploy_pending);
    CHECK(settled->settings_json.find("deploy_pending") == std::string::npos);
    CHECK(settled->settings_json.find("kill -9 $PPID") != std::string::npos);  // the hook stays recorded

    // Done once: the next run neither deploys nor renews.
    auto again = f.renew({"--json"});
    CHECK_MESSAGE(again.exit_code == 0, (again.out + again.err));
    CHECK(again.out.find("\"status\":\"not-due\"") != std::string::npos);
    CHECK(lines_of(ran).size() == 1);
}

TEST_CASE("a renew that is not interrupted deploys once and leaves nothing pending") {
    Fixture f;
    REQUIRE(f.issue({"plain.deploy.test"}).exit_code == 0);
    const std::string ran = f.dir.file("hook-ran");
    auto r = f.renew({"--days", "36500", "--deploy-hook", "echo \"$CERTA_CERT_ID\" >> '" + ran + "'"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    const auto fresh = f.active().front();
    CHECK(lines_of(ran) == std::vector<std::string>{std::to_string(fresh.id)});
    CHECK_FALSE(fresh.deploy_pending);
    CHECK(fresh.settings_json.find("deploy_pending") == std::string::npos);
    auto again = f.renew();
    CHECK(again.out.find("plain.deploy.test: not due until") != std::string::npos);
    CHECK(lines_of(ran).size() == 1);
}
