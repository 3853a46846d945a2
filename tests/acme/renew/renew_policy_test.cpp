// Unit tests of the renewal schedule pieces: --days, ARI window pick, Retry-After clamp, back-off, RFC 3339 and the
// renewalInfo document, and the deploy hook environment and exit status.
#include "acme/deploy/DeployHook.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/renew/AriClient.hpp"
#include "acme/renew/RenewalPolicy.hpp"

#include "TempDir.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace certa::acme;
using namespace std::chrono_literals;
using certa::storage::CertificateRecord;

namespace {

CertificateRecord cert(std::int64_t not_before, std::int64_t lifetime, const std::string& serial) {
    return certa::test::certificate_record(not_before, lifetime, serial);
}

}  // namespace

TEST_CASE("--days: due when fewer than N days remain") {
    const auto c = cert(0, 90 * 86400, "01");
    CHECK_FALSE(due_within_days(c, 30, 0));
    CHECK(due_within_days(c, 30, 61 * 86400));
    CHECK(due_within_days(c, 100, 0));
}

TEST_CASE("ARI window pick stays inside the window") {
    for (int i = 0; i < 200; ++i) {
        const auto t = pick_in_window(1000, 1100);
        CHECK(t >= 1000);
        CHECK(t <= 1100);
    }
    CHECK(pick_in_window(500, 400) == 500);
}

TEST_CASE("Retry-After is bounded; 6 hours without one") {
    CHECK(ari_poll_interval(std::nullopt) == 6h);
    CHECK(ari_poll_interval(5s) == 1min);
    CHECK(ari_poll_interval(3600s) == 3600s);
    CHECK(ari_poll_interval(7 * 24h) == 24h);
}

TEST_CASE("back-off doubles from 5 minutes and is capped at a day") {
    CHECK(backoff_delay(1) == 5min);
    CHECK(backoff_delay(2) == 10min);
    CHECK(backoff_delay(3) == 20min);
    CHECK(backoff_delay(20) == 24h);
    CHECK(backoff_delay(1000) == 24h);
}

TEST_CASE("RFC 3339 times") {
    CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_rfc3339("2025-01-02T03:04:05Z") == 1735787045);
    CHECK(parse_rfc3339("2025-01-02T03:04:05.123456Z") == 1735787045);
    CHECK(parse_rfc3339("2025-01-02T05:04:05+02:00") == 1735787045);
    CHECK(parse_rfc3339("2025-01-01T23:04:05-04:00") == 1735787045);
    CHECK_THROWS_AS(parse_rfc3339("2025-01-02"), json::JsonError);
    CHECK_THROWS_AS(parse_rfc3339("2025-13-02T03:04:05Z"), json::JsonError);
    CHECK_THROWS_AS(parse_rfc3339("2025-01-02T03:04:05"), json::JsonError);
    CHECK_THROWS_AS(parse_rfc3339("2025-01-02T03:04:05Zjunk"), json::JsonError);
}

TEST_CASE("renewalInfo document (RFC 9773 §4.2)") {
    const auto info = parse_renewal_info(
        R"({"suggestedWindow":{"start":"2025-01-02T03:04:05Z","end":"2025-01-03T03:04:05Z"},"explanationURL":"https://ca.example/why"})");
    CHECK(info.window_start == 1735787045);
    CHECK(info.window_end == 1735787045 + 86400);
    CHECK(info.explanation_url == "https://ca.example/why");
    CHECK_THROWS_AS(parse_renewal_info(R"({"explanationURL":"x"})"), json::JsonError);
    CHECK_THROWS_AS(parse_renewal_info(R"({"suggestedWindow":{"start":"2025-01-03T00:00:00Z","end":"2025-01-02T00:00:00Z"}})"),
                    json::JsonError);
    CHECK_THROWS_AS(parse_renewal_info("not json"), json::JsonError);
}

TEST_CASE("deploy hook environment") {
    DeployContext ctx;
    ctx.certificate = cert(0, 100, "01");
    ctx.store_location = "/var/lib/certa/certa.db";
    ctx.export_dirs = {"/etc/ssl/a", "/etc/ssl/b"};
    auto env = deploy_environment(ctx);
    CHECK(env["CERTA_NAMES"] == "a.example b.example");
    CHECK(env["CERTA_PRIMARY_NAME"] == "a.example");
    CHECK(env["CERTA_CERT_ID"] == "7");
    CHECK(env["CERTA_STORE"] == "/var/lib/certa/certa.db");
    CHECK(env["CERTA_EXPORT_DIRS"] == "/etc/ssl/a /etc/ssl/b");
    CHECK(env["CERTA_CERT_PATH"] == "/etc/ssl/a/cert.pem");
    CHECK(env["CERTA_CHAIN_PATH"] == "/etc/ssl/a/chain.pem");
    CHECK(env["CERTA_FULLCHAIN_PATH"] == "/etc/ssl/a/fullchain.pem");
    CHECK(env["CERTA_KEY_PATH"] == "/etc/ssl/a/privkey.pem");
    ctx.export_dirs.clear();
    env = deploy_environment(ctx);
    CHECK(env.count("CERTA_CERT_PATH") == 0);
    CHECK(env["CERTA_EXPORT_DIRS"].empty());
}

TEST_CASE("deploy hook runs through /bin/sh and reports failures") {
    certa::test::TempDir dir;
    DeployContext ctx;
    ctx.certificate = cert(0, 100, "01");
    const std::string out = dir.file("out");
    CHECK(run_deploy_hook("echo \"$CERTA_PRIMARY_NAME\" > '" + out + "'", ctx, 10s).empty());
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == "a.example\n");
    const std::string failed = run_deploy_hook("echo broken pipe; exit 3", ctx, 10s);
    CHECK(failed.find("exit status 3") != std::string::npos);
    CHECK(failed.find("broken pipe") != std::string::npos);
    CHECK(run_deploy_hook("sleep 5", ctx, 200ms).find("timed out") != std::string::npos);
}
