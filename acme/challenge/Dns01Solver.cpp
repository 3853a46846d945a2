#include "acme/challenge/Dns01Solver.hpp"

#include "acme/challenge/HookProcess.hpp"
#include "storage/base/Base64Url.hpp"
#include "storage/base/OpenSsl.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace certa::acme {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// One lookup never waits longer than this, so a silent resolver cannot eat
// the whole propagation timeout in one round.
constexpr milliseconds kLookupTimeout{2000};

std::string join(const std::vector<DnsResolver>& resolvers) {
    std::string out;
    for (const auto& r : resolvers) out += (out.empty() ? "" : ", ") + r.to_string();
    return out;
}

milliseconds left_until(Clock::time_point deadline) {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

// First line of the hook's output, shortened, for the error message.
std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    if (line.size() > 200) line = line.substr(0, 200) + "...";
    return line;
}

}  // namespace

std::string dns01_fqdn(const Identifier& identifier) {
    // RFC 8555 §8.4: the record lives under the base name, also for wildcards.
    return "_acme-challenge." + identifier.base_name() + ".";
}

std::string dns01_txt_value(const std::string& key_authorization) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(key_authorization.data(), key_authorization.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed: " + ossl::last_error());
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

Dns01Options dns01_options(const IssueSettings& settings) {
    Dns01Options options;
    options.hook = settings.dns_hook;
    options.propagation_timeout = std::chrono::seconds(std::max(0, settings.dns_propagation_timeout));
    for (const auto& r : settings.dns_resolvers) options.resolvers.push_back(parse_dns_resolver(r));
    return options;
}

Dns01PropagationError::Dns01PropagationError(std::string fqdn, std::vector<DnsResolver> missing, milliseconds waited)
    : std::runtime_error("dns-01: TXT record for " + fqdn + " not visible at " + join(missing) + " after " +
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(waited).count()) + " s"),
      fqdn_(std::move(fqdn)),
      missing_(std::move(missing)) {}

std::vector<DnsResolver> wait_for_txt(const std::string& fqdn, const std::string& value,
                                      const std::vector<DnsResolver>& resolvers, milliseconds timeout,
                                      milliseconds poll_interval) {
    std::vector<std::unique_ptr<DnsTxtLookup>> missing;
    for (const auto& r : resolvers) missing.push_back(std::make_unique<DnsTxtLookup>(r));
    const auto deadline = Clock::now() + timeout;
    poll_interval = std::max(poll_interval, milliseconds(100));
    // Every round but the last sleeps poll_interval: this bounds the rounds.
    const auto max_rounds = timeout / poll_interval + 2;
    for (std::remove_const_t<decltype(max_rounds)> round = 0; round < max_rounds && !missing.empty(); ++round) {
        std::erase_if(missing, [&](const std::unique_ptr<DnsTxtLookup>& lookup) {
            const milliseconds budget = std::min(kLookupTimeout, left_until(deadline));
            if (budget.count() == 0) return false;
            try {
                const auto records = lookup->txt_records(fqdn, budget);
                return std::find(records.begin(), records.end(), value) != records.end();
            } catch (const DnsLookupError& e) {
                spdlog::debug("dns-01: {}", e.what());
                return false;
            }
        });
        if (missing.empty() || left_until(deadline).count() == 0) break;
        spdlog::debug("dns-01: TXT record for {} not visible yet at {} resolver(s)", fqdn, missing.size());
        std::this_thread::sleep_for(std::min(poll_interval, left_until(deadline)));
    }
    std::vector<DnsResolver> out;
    for (const auto& lookup : missing) out.push_back(lookup->resolver());
    return out;
}

Dns01Solver::Dns01Solver(Dns01Options options) : options_(std::move(options)) {
    if (options_.hook.empty()) throw std::invalid_argument("dns-01 needs --dns-hook CMD");
}

void Dns01Solver::run(const char* action, const Identifier& identifier, const std::string& key_authorization) {
    const std::string fqdn = dns01_fqdn(identifier);
    const std::string value = dns01_txt_value(key_authorization);
    HookOptions hook;
    hook.timeout = options_.timeout;
    hook.env = {{"CERTA_DNS_ACTION", action},
                {"CERTA_DNS_FQDN", fqdn},
                {"CERTA_DNS_VALUE", value},
                {"CERTA_IDENTIFIER", identifier.value}};
    HookResult r = run_hook({options_.hook, action, fqdn, value}, hook);
    const std::string what = "dns hook '" + options_.hook + " " + action + " " + fqdn + "'";
    if (r.timed_out)
        throw std::runtime_error(what + " did not finish within " + std::to_string(options_.timeout.count()) + " ms");
    if (r.exit_code != 0) {
        std::string msg = what + " failed with exit status " + std::to_string(r.exit_code);
        if (!r.output.empty()) msg += ": " + first_line(r.output);
        throw std::runtime_error(msg);
    }
    spdlog::debug("{} succeeded", what);
}

void Dns01Solver::wait_until_visible(const std::string& fqdn, const std::string& value) const {
    const std::vector<DnsResolver> resolvers =
        options_.resolvers.empty() ? system_dns_resolvers() : options_.resolvers;
    const auto start = Clock::now();
    auto missing = wait_for_txt(fqdn, value, resolvers, options_.propagation_timeout, options_.poll_interval);
    if (!missing.empty()) throw Dns01PropagationError(fqdn, std::move(missing), options_.propagation_timeout);
    spdlog::debug("dns-01: TXT record for {} visible at {} after {} ms", fqdn, join(resolvers),
                  std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
}

void Dns01Solver::present(const Identifier& identifier, const std::string&, const std::string& key_authorization) {
    run("add", identifier, key_authorization);
    // The caller cleans up (runs `remove`) when this throws.
    if (options_.propagation_timeout.count() > 0)
        wait_until_visible(dns01_fqdn(identifier), dns01_txt_value(key_authorization));
}

void Dns01Solver::cleanup(const Identifier& identifier, const std::string&,
                          const std::string& key_authorization) noexcept {
    try {
        run("remove", identifier, key_authorization);
    } catch (const std::exception& e) {
        spdlog::warn("{}", e.what());
    }
}

}  // namespace certa::acme
