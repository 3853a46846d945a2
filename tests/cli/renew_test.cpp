// `certa renew` against a real Pebble: due / not due, a second run does
// nothing, exit codes, --json / --quiet / -d, export dirs rewritten, deploy
// hook environment and failures, per-certificate back-off.
#include "renew_fixture.hpp"

#include "tests/cli/CliTestUtil.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace certa::test;
using namespace certa::test::renew;
using certa::storage::CertificateStatus;

namespace {

std::map<std::string, std::string> read_env_file(const std::string& path) {
    std::map<std::string, std::string> env;
    std::istringstream in(cli::read_file(path));
    std::string line;
    while (std::getline(in, line))
        if (auto eq = line.find('='); eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    return env;
}

std::string leaf_pem_of(const certa::storage::CertificateRecord& c) {
    const auto end = c.chain_pem.find("-----END CERTIFICATE-----");
    return c.chain_pem.substr(0, end + std::string("-----END CERTIFICATE-----\n").size());
}

}  // namespace

TEST_CASE("renew renews a due certificate once; a second run does nothing") {
    Fixture f(lifetime(20));
    auto issued = f.issue({"due.renew.test"});
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    REQUIRE_MESSAGE(f.active().size() == 1, (issued.out + issued.err));
    const auto old = f.active().front();

    // Fresh: not due (1/2 of a 20 s lifetime remains), nothing ordered.
    auto early = f.renew();
    CHECK_MESSAGE(early.exit_code == 0, early.err);
    CHECK(early.out.find("due.renew.test: not due until ") != std::string::npos);
    CHECK(f.all().size() == 1);
    CHECK(f.store->get_certificate(old.id)->renew_at > 0);  // the schedule is recorded (`certa list` shows it)

    sleep_until_unix(old.not_before + (old.not_after - old.not_before) / 2 + 1);
    auto renewed = f.renew({"--exit-code-on-renewal"});
    CHECK_MESSAGE(renewed.exit_code == 10, (renewed.out + renewed.err));
    CHECK(renewed.out.find("due.renew.test: renewed (expires ") != std::string::npos);
    const auto now_active = f.active();
    REQUIRE(now_active.size() == 1);
    CHECK(now_active.front().id != old.id);
    const auto old_row = f.store->get_certificate(old.id);
    CHECK(old_row->status == CertificateStatus::Replaced);
    CHECK(old_row->replaced_by == now_active.front().id);
    CHECK(f.events(now_active.front().id, "renewed") == 1);
    CHECK(now_active.front().settings_json == old.settings_json);  // the recorded settings carry over

    auto again = f.renew({"--exit-code-on-renewal"});
    CHECK_MESSAGE(again.exit_code == 0, (again.out + again.err));
    CHECK(again.out.find("not due until") != std::string::npos);
    CHECK(f.all().size() == 2);

    auto quiet = f.renew({"--quiet"});
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.out.empty());
}

TEST_CASE("export dirs are rewritten and the deploy hook sees the certificate") {
    Fixture f;
    REQUIRE(f.issue({"b.renew.test", "c.renew.test"}).exit_code == 0);
    const auto old = f.active().front();
    const std::string exported = f.dir.file("exported");
    REQUIRE(f.certa({"export", "b.renew.test", "--dir", exported}).exit_code == 0);
    REQUIRE(cli::read_file(exported + "/cert.pem") == leaf_pem_of(old));

    const std::string env_file = f.dir.file("hook-env");
    const std::string hook = "env | grep '^CERTA_' > '" + env_file + "'";
    // --days beyond the lifetime: due now.
    auto r = f.renew({"--days", "36500", "--deploy-hook", hook, "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(r.out.find("\"status\":\"renewed\"") != std::string::npos);
    const auto fresh = f.active().front();
    REQUIRE(fresh.id != old.id);

    auto env = read_env_file(env_file);
    CHECK(env["CERTA_NAMES"] == "b.renew.test c.renew.test");
    CHECK(env["CERTA_PRIMARY_NAME"] == "b.renew.test");
    CHECK(env["CERTA_CERT_ID"] == std::to_string(fresh.id));
    CHECK(env["CERTA_STORE"] == f.db());
    CHECK(env["CERTA_EXPORT_DIRS"] == exported);
    CHECK(env["CERTA_CERT_PATH"] == exported + "/cert.pem");
    CHECK(env["CERTA_CHAIN_PATH"] == exported + "/chain.pem");
    CHECK(env["CERTA_FULLCHAIN_PATH"] == exported + "/fullchain.pem");
    CHECK(env["CERTA_KEY_PATH"] == exported + "/privkey.pem");
    // The export dir holds the new certificate and key (rewritten before the hook ran).
    CHECK(cli::read_file(exported + "/cert.pem") == leaf_pem_of(fresh));
    CHECK(cli::read_file(exported + "/privkey.pem") == fresh.key_pem);
    CHECK(certa::test::file_mode(exported + "/privkey.pem") == 0600);
    CHECK(f.events(fresh.id, "deployed") == 1);

    // The hook was recorded: the next renewal runs it without --deploy-hook.
    REQUIRE(f.renew({"--days", "36500"}).exit_code == 0);
    const auto third = f.active().front();
    CHECK(read_env_file(env_file)["CERTA_CERT_ID"] == std::to_string(third.id));

    // A failing hook is reported and recorded; the renewal itself stands.
    auto bad = f.renew({"--days", "36500", "--deploy-hook", "echo no reload; exit 3"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.out.find("b.renew.test: renewed (expires ") != std::string::npos);
    CHECK(bad.out.find("deploy hook failed: exit status 3: no reload") != std::string::npos);
    const auto fourth = f.active().front();
    CHECK(fourth.id != third.id);
    CHECK(f.events(fourth.id, "deploy-failed") == 1);
    CHECK(fourth.last_error.find("deploy hook failed") != std::string::npos);
    CHECK(fourth.last_error_class == "deploy");
}

TEST_CASE("a failure backs off, does not stop the others, and --force retries") {
    Fixture f;
    REQUIRE(f.issue({"ok.renew.test"}).exit_code == 0);
    REQUIRE(f.issue({"broken.renew.test"}).exit_code == 0);
    auto broken = f.store->find_active_certificate("broken.renew.test");
    REQUIRE(broken);
    // Point the broken one at a CA that is not there.
    std::string settings = broken->settings_json;
    const auto pos = settings.find(f.server);
    REQUIRE(pos != std::string::npos);
    settings.replace(pos, f.server.size(), "https://127.0.0.1:1/dir");
    f.store->update_settings(broken->id, settings);

    auto r = f.renew({"--days", "36500"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("ok.renew.test: renewed") != std::string::npos);
    CHECK(r.out.find("broken.renew.test: failed: ") != std::string::npos);
    auto row = f.store->get_certificate(broken->id);
    CHECK(row->status == CertificateStatus::Active);
    CHECK(row->failures == 1);
    CHECK(row->next_attempt > now_s() + 200);
    CHECK_FALSE(row->last_error.empty());
    CHECK(row->last_error_class == "network");
    auto listed = f.certa({"list"});
    CHECK(listed.out.find(row->last_error.substr(0, 20)) != std::string::npos);

    // Backing off: no new attempt, and not a failure of this run.
    auto later = f.renew({"--days", "36500", "-d", "broken.renew.test"});
    CHECK(later.exit_code == 0);
    CHECK(later.out.find("broken.renew.test: not due until") != std::string::npos);
    CHECK(f.store->get_certificate(broken->id)->failures == 1);

    auto forced = f.renew({"--force", "-d", "broken.renew.test"});
    CHECK(forced.exit_code == 1);
    row = f.store->get_certificate(broken->id);
    CHECK(row->failures == 2);
    CHECK(row->next_attempt - now_s() > 500);  // 10 minutes after the second failure

    auto unknown = f.renew({"-d", "nothing.renew.test"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.out.find("nothing.renew.test: failed: no active certificate") != std::string::npos);
}
