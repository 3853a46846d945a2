// --deploy / --deploy-check spellings (make_deploy_target, CheckAddress),
// the targets a certificate's settings deploy to, the HAProxy payload
// cleaning, and the deploy hook's certbot / lego variables.
#include "acme/deploy/CheckAddress.hpp"
#include "acme/deploy/DeployHook.hpp"
#include "acme/deploy/DeployTargetFactory.hpp"
#include "acme/deploy/HaproxyRuntimeApi.hpp"
#include "acme/deploy/HaproxyTarget.hpp"
#include "acme/deploy/LiveCheck.hpp"
#include "acme/deploy/NginxTarget.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

using namespace certa;
using acme::CheckAddress;
using acme::DeployTarget;
using acme::make_deploy_target;

namespace {

// The factory's target for `spec`, as the concrete type its kind names.
template <class Target>
Target parsed_as(const std::string& spec) {
    const auto target = make_deploy_target(spec);
    const auto* typed = dynamic_cast<const Target*>(target.get());
    REQUIRE(typed != nullptr);
    return *typed;
}

}  // namespace

TEST_CASE("haproxy targets: socket, optional CRT-PATH and CRT-LIST") {
    CHECK(make_deploy_target("haproxy:/run/haproxy/admin.sock")->kind() == "haproxy");
    CHECK(make_deploy_target("haproxy:/run/haproxy/admin.sock")->stage() == DeployTarget::Stage::Server);
    auto t = parsed_as<acme::HaproxyTarget>("haproxy:/run/haproxy/admin.sock");
    CHECK(t.socket == "/run/haproxy/admin.sock");
    CHECK(t.crt_path.empty());
    CHECK(t.crt_list.empty());
    t = parsed_as<acme::HaproxyTarget>("haproxy:/s.sock:/etc/haproxy/www.pem:/etc/haproxy/list.txt");
    CHECK(t.crt_path == "/etc/haproxy/www.pem");
    CHECK(t.crt_list == "/etc/haproxy/list.txt");
    CHECK_THROWS_AS(make_deploy_target("haproxy:"), std::invalid_argument);
    CHECK_THROWS_AS(make_deploy_target("haproxy"), std::invalid_argument);
    CHECK_THROWS_AS(make_deploy_target("haproxy:relative.sock"), std::invalid_argument);
    CHECK_THROWS_AS(make_deploy_target("haproxy:/s.sock:"), std::invalid_argument);
    CHECK_THROWS_AS(make_deploy_target("haproxy:/s.sock:/a b.pem"), std::invalid_argument);
}

TEST_CASE("nginx targets: default reload command or the given one (colons kept)") {
    CHECK(make_deploy_target("nginx")->kind() == "nginx");
    CHECK(make_deploy_target("nginx")->stage() == DeployTarget::Stage::Server);
    auto t = parsed_as<acme::NginxTarget>("nginx");
    CHECK(t.command == "nginx -s reload");
    CHECK(parsed_as<acme::NginxTarget>("nginx:systemctl reload nginx").command == "systemctl reload nginx");
    CHECK(parsed_as<acme::NginxTarget>("nginx:nginx -g 'a:b' -s reload").command == "nginx -g 'a:b' -s reload");
    CHECK_THROWS_AS(make_deploy_target("nginx: "), std::invalid_argument);
    CHECK_THROWS_AS(make_deploy_target("apache"), std::invalid_argument);
    CHECK_THROWS_AS(make_deploy_target("nginxx"), std::invalid_argument);
    CHECK(acme::deploy_target_problem("caddy").find("expected haproxy:SOCKET") != std::string::npos);
}

TEST_CASE("a certificate's settings deploy to files, then the hook, then the servers") {
    acme::IssueSettings s;
    s.deploy_targets = {"nginx", "haproxy:/s.sock", "apache"};
    s.export_dirs = {"/srv/a", "/srv/b"};
    s.certbot_dirs = {"/etc/letsencrypt"};
    s.deploy_hook = "true";
    std::vector<std::string> kinds;
    std::vector<DeployTarget::Stage> stages;
    for (const auto& t : acme::deploy_targets_of(s)) {
        kinds.push_back(t->kind());
        stages.push_back(t->stage());
    }
    // A recorded target that no longer parses still takes its place (and fails there).
    CHECK(kinds == std::vector<std::string>{"export-dir", "export-dir", "certbot", "hook", "nginx", "haproxy",
                                            "unparsed"});
    CHECK(std::is_sorted(stages.begin(), stages.end()));
    CHECK(acme::deploy_targets_of(acme::IssueSettings{}).empty());
}

TEST_CASE("check addresses: HOST:PORT, [IPv6]:PORT, none") {
    auto a = CheckAddress::parse("127.0.0.1:8443");
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 8443);
    a = CheckAddress::parse("[::1]:443");
    CHECK(a.host == "::1");
    CHECK(a.text() == "[::1]:443");
    CHECK(CheckAddress::parse("localhost:1").text() == "localhost:1");
    for (const char* bad : {"127.0.0.1", ":443", "h:0", "h:65536", "h:x", "::1:443", "[::1]443"})
        CHECK_MESSAGE(!acme::deploy_check_problem(bad).empty(), bad);
    CHECK(acme::deploy_check_problem("none").empty());
}

TEST_CASE("the HAProxy payload has no blank line (one would end it early)") {
    CHECK(acme::without_blank_lines("-----BEGIN A-----\r\nxx\n\n  \n-----END A-----\n\n-----BEGIN K-----\nyy\n-----END K-----") ==
          "-----BEGIN A-----\nxx\n-----END A-----\n-----BEGIN K-----\nyy\n-----END K-----\n");
}

TEST_CASE("deploy hooks see certbot's and lego's variables beside CERTA_*") {
    acme::DeployContext context;
    context.certificate.id = 5;
    context.certificate.names = {"a.example.test", "b.example.test"};
    context.store_location = "/var/lib/certa/certa.db";
    SUBCASE("a certbot layout: the lineage is its live dir") {
        context.export_dirs = {"/srv/plain"};
        context.certbot_live_dirs = {"/etc/letsencrypt/live/a.example.test"};
        auto env = acme::deploy_environment(context);
        CHECK(env["RENEWED_LINEAGE"] == "/etc/letsencrypt/live/a.example.test");
        CHECK(env["RENEWED_DOMAINS"] == "a.example.test b.example.test");
        CHECK(env["LEGO_CERT_DOMAIN"] == "a.example.test");
        CHECK(env["LEGO_CERT_PATH"] == "/etc/letsencrypt/live/a.example.test/fullchain.pem");
        CHECK(env["LEGO_CERT_KEY_PATH"] == "/etc/letsencrypt/live/a.example.test/privkey.pem");
        CHECK(env["CERTA_CERT_PATH"] == "/srv/plain/cert.pem");
    }
    SUBCASE("only a plain export dir: the lineage is that dir") {
        context.export_dirs = {"/srv/plain"};
        auto env = acme::deploy_environment(context);
        CHECK(env["RENEWED_LINEAGE"] == "/srv/plain");
        CHECK(env["LEGO_CERT_KEY_PATH"] == "/srv/plain/privkey.pem");
    }
    SUBCASE("no export: names only") {
        auto env = acme::deploy_environment(context);
        CHECK(env.count("RENEWED_LINEAGE") == 0);
        CHECK(env["RENEWED_DOMAINS"] == "a.example.test b.example.test");
    }
}

TEST_CASE("live check names: a wildcard as one name below it, IPs only without DNS names") {
    storage::CertificateRecord cert;
    cert.names = {"*.w.example.test", "w.example.test", "192.0.2.1"};
    CHECK(acme::live_check_names(cert) == std::vector<std::string>{"certa-live-check.w.example.test", "w.example.test"});
    cert.names = {"192.0.2.1"};
    CHECK(acme::live_check_names(cert) == std::vector<std::string>{""});
}
