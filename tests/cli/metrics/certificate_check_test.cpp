// check_certificates: the monitoring-plugin state and its one line.
#include "cli/metrics/CertificateCheck.hpp"

#include <doctest/doctest.h>

using namespace certa::cli;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kDay = 86400;

CertificateGauges cert(const std::string& name, std::int64_t expires_in, std::int64_t renew_in = kDay * 30) {
    CertificateGauges c;
    c.name = name;
    c.not_before = kNow - 60 * kDay;
    c.not_after = kNow + expires_in;
    c.renew_at = kNow + renew_in;
    c.error_class = "none";
    return c;
}

}  // namespace

TEST_CASE("OK: counts and the next expiry") {
    auto r = check_certificates({cert("b.example", 50 * kDay), cert("a.example", 41 * kDay + 5)}, kNow, 14);
    CHECK(r.state == CheckState::Ok);
    CHECK(r.line == "CERTA OK - 2 certificates, next expiry in 41 days (a.example)");
    CHECK(check_certificates({}, kNow, 14).line == "CERTA OK - 0 certificates");
}

TEST_CASE("WARNING: within warn-days, or deploy pending") {
    auto soon = cert("soon.example", 3 * kDay + 100, -kDay);  // past renew_at, but no failure yet
    auto r = check_certificates({cert("a.example", 40 * kDay), soon}, kNow, 14);
    CHECK(r.state == CheckState::Warning);
    CHECK(r.line == "CERTA WARNING - soon.example expires in 3 days; 2 certificates, next expiry in 3 days (soon.example)");
    CHECK(check_certificates({cert("a.example", 40 * kDay)}, kNow, 45).state == CheckState::Warning);
    auto pending = cert("p.example", 40 * kDay);
    pending.deploy_pending = true;
    CHECK(check_certificates({pending}, kNow, 14).line ==
          "CERTA WARNING - p.example deploy pending; 1 certificate, next expiry in 40 days (p.example)");
    CHECK(check_certificates({cert("h.example", 5 * 3600 + 7)}, kNow, 1).line ==
          "CERTA WARNING - h.example expires in 5 hours; 1 certificate, next expiry in 5 hours (h.example)");
}

TEST_CASE("CRITICAL: expired, or renewal overdue with failures; the worst come first") {
    auto expired = cert("old.example", -2 * kDay);
    auto failing = cert("fail.example", 20 * kDay, -3600);
    failing.failures = 3;
    failing.error_class = "rateLimited";
    auto r = check_certificates({cert("soon.example", kDay), failing, expired}, kNow, 14);
    CHECK(r.state == CheckState::Critical);
    CHECK(r.line ==
          "CERTA CRITICAL - fail.example renewal overdue, 3 failed attempts (rateLimited), expires in 20 days, "
          "old.example expired 2 days ago, soon.example expires in 1 day; 3 certificates, next expiry in 1 day "
          "(soon.example)");
    // Failures before the renewal time are not critical yet.
    auto early = cert("early.example", 40 * kDay, 10 * kDay);
    early.failures = 1;
    CHECK(check_certificates({early}, kNow, 14).state == CheckState::Ok);
}

TEST_CASE("CRITICAL: a certificate its OCSP responder calls revoked") {
    auto revoked = cert("rev.example", 40 * kDay);
    revoked.ocsp_status = "revoked";
    auto good = cert("good.example", 50 * kDay);
    good.ocsp_status = "good";
    auto r = check_certificates({good, revoked}, kNow, 14);
    CHECK(r.state == CheckState::Critical);
    CHECK(r.line == "CERTA CRITICAL - rev.example revoked (OCSP), renewal scheduled; 2 certificates, next expiry in "
                    "40 days (rev.example)");
}

TEST_CASE("at most five problems are named") {
    std::vector<CertificateGauges> all;
    for (int i = 0; i < 8; ++i) all.push_back(cert("n" + std::to_string(i) + ".example", -kDay));
    auto r = check_certificates(all, kNow, 14);
    CHECK(r.line.find("n4.example expired 1 day ago and 3 more; 8 certificates") != std::string::npos);
    CHECK(r.line.find("n5.example") == std::string::npos);
    CHECK(r.line.find("next expiry") == std::string::npos);  // nothing left unexpired
}

TEST_CASE("UNKNOWN keeps one line") {
    auto r = check_unknown("cannot open\nthe store");
    CHECK(r.state == CheckState::Unknown);
    CHECK(r.line == "CERTA UNKNOWN - cannot open the store");
}
