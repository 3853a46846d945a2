#include "cli/metrics/CertificateCheck.hpp"

#include <algorithm>
#include <cstdint>

namespace certa::cli {

namespace {

constexpr std::size_t kMaxListed = 5;  // problems named on the line; the rest are counted

const char* state_word(CheckState state) {
    switch (state) {
        case CheckState::Ok: return "OK";
        case CheckState::Warning: return "WARNING";
        case CheckState::Critical: return "CRITICAL";
        case CheckState::Unknown: break;
    }
    return "UNKNOWN";
}

// "41 days", "1 day", "5 hours", "12 minutes" (rounded down; never negative).
std::string span(std::int64_t seconds) {
    seconds = std::max<std::int64_t>(seconds, 0);
    auto unit = [](std::int64_t n, const char* word) {
        return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    if (seconds >= 86400) return unit(seconds / 86400, "day");
    if (seconds >= 3600) return unit(seconds / 3600, "hour");
    return unit(seconds / 60, "minute");
}

struct Problem {
    CheckState state;
    std::string text;
};

// What is wrong with one certificate, the worst first (nothing when it is fine).
std::vector<Problem> problems_of(const CertificateGauges& c, storage::UnixTime now, int warn_days) {
    std::vector<Problem> out;
    // Issue 23: the next certa renew or worker pass replaces it (renewal scheduled now).
    if (c.ocsp_status == "revoked")
        out.push_back({CheckState::Critical, c.name + " revoked (OCSP), renewal scheduled"});
    if (now >= c.not_after) {
        out.push_back({CheckState::Critical, c.name + " expired " + span(now - c.not_after) + " ago"});
    } else if (now >= c.renew_at && c.failures > 0) {
        out.push_back({CheckState::Critical, c.name + " renewal overdue, " + std::to_string(c.failures) +
                                                 " failed attempt" + (c.failures == 1 ? "" : "s") + " (" +
                                                 c.error_class + "), expires in " + span(c.not_after - now)});
    } else if (c.not_after - now <= static_cast<std::int64_t>(warn_days) * 86400) {
        out.push_back({CheckState::Warning, c.name + " expires in " + span(c.not_after - now)});
    }
    if (c.deploy_pending) out.push_back({CheckState::Warning, c.name + " deploy pending"});
    return out;
}

}  // namespace

CheckResult check_certificates(const std::vector<CertificateGauges>& certificates, storage::UnixTime now,
                               int warn_days) {
    std::vector<Problem> problems;
    const CertificateGauges* next = nullptr;  // the next one to expire, among the unexpired
    for (const auto& cert : certificates) {
        for (auto& p : problems_of(cert, now, warn_days)) problems.push_back(std::move(p));
        if (cert.not_after > now && (!next || cert.not_after < next->not_after)) next = &cert;
    }
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Problem& a, const Problem& b) { return a.state > b.state; });

    CheckResult result;
    result.state = problems.empty() ? CheckState::Ok : problems.front().state;
    std::string line = std::string("CERTA ") + state_word(result.state) + " - ";
    for (std::size_t i = 0; i < problems.size() && i < kMaxListed; ++i) line += (i ? ", " : "") + problems[i].text;
    if (problems.size() > kMaxListed) line += " and " + std::to_string(problems.size() - kMaxListed) + " more";
    if (!problems.empty()) line += "; ";
    line += std::to_string(certificates.size()) + (certificates.size() == 1 ? " certificate" : " certificates");
    if (next) line += ", next expiry in " + span(next->not_after - now) + " (" + next->name + ")";
    result.line = std::move(line);
    return result;
}

CheckResult check_unknown(const std::string& reason) {
    std::string line = "CERTA UNKNOWN - ";
    for (char c : reason) line += (c == '\n' || c == '\r') ? ' ' : c;  // one line
    return {CheckState::Unknown, std::move(line)};
}

}  // namespace certa::cli
