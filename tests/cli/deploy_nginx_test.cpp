// `certa export --layout certbot` and `--deploy nginx[:COMMAND]` against a
// real nginx on loopback whose config points at live/NAME/fullchain.pem:
// the renewed certificate becomes archive version 2 and, after the reload,
// is served (checked by `openssl s_client`); a reload that does not happen is
// "deployed, not live" (exit 1, pending) until a later run reloads. The
// deploy hook sees certbot's and lego's variables.
#include "renew_fixture.hpp"

#include "tests/cli/TlsServers.hpp"

#include <doctest/doctest.h>

#include <map>
#include <sstream>

using namespace certa::test;
using namespace certa::test::renew;
using namespace certa::test::deploy;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> env_file(const std::string& path) {
    std::map<std::string, std::string> env;
    std::istringstream in(cli::read_file(path));
    for (std::string line; std::getline(in, line);)
        if (const auto eq = line.find('='); eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    return env;
}

}  // namespace

TEST_CASE("certbot layout + nginx: versions, modes, links, and the renewed certificate live after the reload") {
    Fixture f;
    REQUIRE(f.issue({"n.nginx.test", "www.n.nginx.test"}).exit_code == 0);
    const auto first = f.active().front();
    const fs::path le = f.dir.path() / "letsencrypt";
    auto exported = f.certa({"export", "n.nginx.test", "--layout", "certbot", "--dir", le.string()});
    REQUIRE_MESSAGE(exported.exit_code == 0, (exported.out + exported.err));
    CHECK(exported.out.find("(certbot layout, version 1)") != std::string::npos);
    // The same certificate again: no new version.
    auto again = f.certa({"export", "n.nginx.test", "--layout", "certbot", "--dir", le.string()});
    CHECK(again.out.find("version 1, unchanged") != std::string::npos);
    const fs::path live = le / "live" / "n.nginx.test";
    const fs::path archive = le / "archive" / "n.nginx.test";
    CHECK(fs::read_symlink(live / "fullchain.pem") == fs::path("../../archive/n.nginx.test/fullchain1.pem"));
    CHECK_FALSE(fs::exists(archive / "cert2.pem"));
    CHECK(certa::test::file_mode((le / "live").string()) == 0700);
    CHECK(certa::test::file_mode((le / "archive").string()) == 0700);
    CHECK(certa::test::file_mode((archive / "privkey1.pem").string()) == 0600);
    CHECK(certa::test::file_mode((archive / "fullchain1.pem").string()) == 0644);
    CHECK(fs::exists(live / "README"));

    NginxServer nginx(f.dir.path(), (live / "fullchain.pem").string(), (live / "privkey.pem").string());
    CHECK(normal_serial(served_serial(nginx.port, "n.nginx.test")) == normal_serial(first.serial_hex));

    // A reload command that does not reload: the new files are there, nginx serves the old one.
    const std::string env_out = f.dir.file("hook-env");
    auto stale = f.renew({"--force", "--deploy", "nginx:true", "--deploy-check", nginx.check(), "--deploy-hook",
                          "env > '" + env_out + "'"});
    CHECK(stale.exit_code == 1);
    CHECK_MESSAGE(stale.out.find("deployed, not live: n.nginx.test at " + nginx.check()) != std::string::npos,
                  (stale.out + stale.err));
    const auto second = f.active().front();
    CHECK(second.id != first.id);
    CHECK(second.deploy_pending);
    CHECK(fs::read_symlink(live / "cert.pem") == fs::path("../../archive/n.nginx.test/cert2.pem"));
    CHECK(cli::read_file((archive / "privkey2.pem").string()) == second.key_pem);
    CHECK(cli::read_file((archive / "privkey1.pem").string()) == first.key_pem);  // kept
    CHECK(normal_serial(served_serial(nginx.port, "n.nginx.test")) == normal_serial(first.serial_hex));

    // The hook saw certbot's and lego's variables.
    auto env = env_file(env_out);
    CHECK(env["RENEWED_LINEAGE"] == live.string());
    CHECK(env["RENEWED_DOMAINS"] == "n.nginx.test www.n.nginx.test");
    CHECK(env["LEGO_CERT_DOMAIN"] == "n.nginx.test");
    CHECK(env["LEGO_CERT_PATH"] == (live / "fullchain.pem").string());
    CHECK(env["LEGO_CERT_KEY_PATH"] == (live / "privkey.pem").string());
    CHECK(env["CERTA_CERT_ID"] == std::to_string(second.id));

    // The next run retries the deploy with a real reload: live, no longer pending, no new order.
    auto reloaded = f.renew({"--deploy", "nginx:" + nginx.reload_command()});
    CHECK_MESSAGE(reloaded.exit_code == 0, (reloaded.out + reloaded.err));
    CHECK(reloaded.out.find("n.nginx.test: deployed (") != std::string::npos);
    CHECK(f.active().front().id == second.id);
    CHECK_FALSE(f.store->get_certificate(second.id)->deploy_pending);
    CHECK(normal_serial(served_serial(nginx.port, "n.nginx.test")) == normal_serial(second.serial_hex));
    CHECK(normal_serial(served_serial(nginx.port, "www.n.nginx.test")) == normal_serial(second.serial_hex));
    CHECK_FALSE(fs::exists(archive / "cert3.pem"));  // the retry re-exported the same certificate

    // A renewal with the recorded nginx target and check: version 3, live.
    auto third = f.renew({"--force"});
    CHECK_MESSAGE(third.exit_code == 0, (third.out + third.err));
    const auto latest = f.active().front();
    CHECK(fs::read_symlink(live / "privkey.pem") == fs::path("../../archive/n.nginx.test/privkey3.pem"));
    CHECK(normal_serial(served_serial(nginx.port, "n.nginx.test")) == normal_serial(latest.serial_hex));
    CHECK(nginx.process->running());
}
