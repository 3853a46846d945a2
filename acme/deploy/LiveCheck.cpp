#include "acme/deploy/LiveCheck.hpp"

#include "acme/deploy/CheckAddress.hpp"
#include "acme/deploy/ServedCertificateProbe.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <thread>

namespace certa::acme {

namespace {

bool is_ip(const std::string& name) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, name.c_str(), buf) == 1 || ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// One address and name: retried within the window, bounded in count.
std::string check_one(const CheckAddress& address, const std::string& sni, const std::string& expected,
                      const LiveCheckOptions& options) {
    const auto deadline = std::chrono::steady_clock::now() + options.window;
    ProbeResult last;
    int in_a_row = 0;
    for (int attempt = 0; attempt < options.max_attempts; ++attempt) {
        if (attempt > 0) {
            const auto pause = in_a_row > 0 ? options.confirm_interval : options.interval;
            if (std::chrono::steady_clock::now() + pause > deadline) break;
            std::this_thread::sleep_for(pause);
        }
        last = probe_served_certificate(address, sni, options.per_probe);
        in_a_row = last.serial_hex == expected ? in_a_row + 1 : 0;
        if (in_a_row >= std::max(1, options.confirmations)) return {};
    }
    const std::string who = (sni.empty() ? "(no SNI)" : sni) + " at " + address.text();
    if (!last.error.empty()) return who + ": " + last.error;
    return who + " serves serial " + last.serial_hex + ", not " + expected;
}

}  // namespace

std::vector<std::string> live_check_names(const storage::CertificateRecord& cert) {
    std::vector<std::string> dns;
    for (const auto& n : cert.names) {
        if (is_ip(n)) continue;
        dns.push_back(n.rfind("*.", 0) == 0 ? "certa-live-check." + n.substr(2) : n);
    }
    if (dns.empty() && !cert.names.empty()) dns.push_back("");
    return dns;
}

std::string check_live(const storage::CertificateRecord& cert, const std::vector<std::string>& addresses,
                       const LiveCheckOptions& options) {
    const auto names = live_check_names(cert);
    for (const auto& spec : addresses) {
        const CheckAddress address = CheckAddress::parse(spec);
        for (const auto& sni : names)
            if (std::string problem = check_one(address, sni, cert.serial_hex, options); !problem.empty())
                return problem;
    }
    return {};
}

}  // namespace certa::acme
