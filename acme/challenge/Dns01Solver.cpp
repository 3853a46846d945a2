#include "acme/challenge/Dns01Solver.hpp"

#include "acme/challenge/HookProcess.hpp"
#include "acme/challenge/dns/DnsZoneLookup.hpp"
#include "acme/challenge/dns/Rfc2136Client.hpp"
#include "acme/challenge/dns/Rfc2136Error.hpp"
#include "acme/challenge/dns/TsigKey.hpp"
#include "storage/net/HostPort.hpp"
#include "storage/base/Base64Url.hpp"
#include "storage/base/OpenSsl.hpp"

#include <spdlog/spdlog.h>

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <optional>
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
    options.dns_update = settings.dns_update;
    options.tsig_key_file = settings.tsig_key_file;
    options.follow_cname = true;
    return options;
}

DnsResolver parse_dns_update_server(const std::string& text) {
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument("--dns-update '" + text + "': " + why);
    };
    storage::net::HostPort hp;
    try {
        hp = storage::net::HostPort::parse(text, 53);
    } catch (const std::invalid_argument& e) {
        throw bad(e.what());
    }
    if (hp.host.empty() || hp.port == 0) throw bad("expected HOST or HOST:PORT");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* raw = nullptr;
    if (::getaddrinfo(hp.host.c_str(), "53", &hints, &raw) != 0 || !raw) throw bad("cannot resolve the host");
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> found(raw, &::freeaddrinfo);
    char address[NI_MAXHOST] = {};
    if (::getnameinfo(found->ai_addr, found->ai_addrlen, address, sizeof address, nullptr, 0, NI_NUMERICHOST) != 0)
        throw bad("cannot resolve the host");
    return DnsResolver{address, hp.port};
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
    if (!options_.dns_update.empty() || !options_.tsig_key_file.empty()) {
        if (options_.dns_update.empty() || options_.tsig_key_file.empty())
            throw std::invalid_argument("--dns-update and --tsig-key-file go together");
        const DnsResolver server = parse_dns_update_server(options_.dns_update);
        update_ = std::make_unique<Rfc2136Client>(server, read_tsig_key_file(options_.tsig_key_file).key);
    } else if (options_.hook.empty()) {
        throw std::invalid_argument("dns-01 needs --dns-hook CMD, or --dns-update HOST --tsig-key-file FILE");
    }
}

Dns01Solver::~Dns01Solver() = default;

DnsResolver Dns01Solver::lookup_resolver() const {
    return options_.resolvers.empty() ? system_dns_resolvers().front() : options_.resolvers.front();
}

Dns01Solver::Target Dns01Solver::target_of(const Identifier& identifier) const {
    Target t{{}, dns01_fqdn(identifier), {}};
    if (!options_.follow_cname && !update_) return t;
    std::optional<DnsZoneLookup> lookup;
    try {
        lookup.emplace(lookup_resolver());
        if (options_.follow_cname) t.fqdn = lookup->follow_cname(t.fqdn);
    } catch (const DnsLookupError& e) {
        if (update_) throw;
        spdlog::warn("dns-01: cannot look for a CNAME at {}: {}; the hook writes it there", t.fqdn, e.what());
        return t;
    }
    if (t.fqdn != dns01_fqdn(identifier)) spdlog::info("dns-01: {} is delegated to {}", dns01_fqdn(identifier), t.fqdn);
    if (!update_) return t;
    const DnsZone zone = lookup->find_zone(t.fqdn);
    t.zone = zone.name;
    try {
        t.authoritative = lookup->server_addresses(zone, update_->server().port);
    } catch (const DnsLookupError& e) {
        spdlog::warn("dns-01: cannot find the name servers of {}: {}", zone.name, e.what());
    }
    // The update server (the primary) holds the record first; it may be hidden (no NS).
    if (std::find(t.authoritative.begin(), t.authoritative.end(), update_->server()) == t.authoritative.end())
        t.authoritative.push_back(update_->server());
    return t;
}

void Dns01Solver::run(const char* action, const Identifier& identifier, const std::string& fqdn,
                      const std::string& value) {
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

void Dns01Solver::wait_until_visible(const std::string& fqdn, const std::string& value,
                                     std::vector<DnsResolver> resolvers) const {
    for (const auto& r : options_.resolvers)
        if (std::find(resolvers.begin(), resolvers.end(), r) == resolvers.end()) resolvers.push_back(r);
    if (resolvers.empty()) resolvers = system_dns_resolvers();
    const auto start = Clock::now();
    auto missing = wait_for_txt(fqdn, value, resolvers, options_.propagation_timeout, options_.poll_interval);
    if (!missing.empty()) throw Dns01PropagationError(fqdn, std::move(missing), options_.propagation_timeout);
    spdlog::debug("dns-01: TXT record for {} visible at {} after {} ms", fqdn, join(resolvers),
                  std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
}

void Dns01Solver::present(const Identifier& identifier, const std::string&, const std::string& key_authorization) {
    const std::string value = dns01_txt_value(key_authorization);
    Target target = target_of(identifier);
    {
        // Recorded before the write: the caller cleans up (removes) when this throws.
        std::lock_guard<std::mutex> lock(mutex_);
        presented_[{identifier.value, value}] = target;
    }
    if (update_) {
        try {
            update_->add_txt(target.zone, target.fqdn, value);
        } catch (const Rfc2136Error&) {
            // Refused: nothing was written, so there is nothing to remove.
            std::lock_guard<std::mutex> lock(mutex_);
            presented_.erase({identifier.value, value});
            throw;
        }
    } else {
        run("add", identifier, target.fqdn, value);
    }
    if (options_.propagation_timeout.count() > 0) wait_until_visible(target.fqdn, value, target.authoritative);
}

void Dns01Solver::cleanup(const Identifier& identifier, const std::string&,
                          const std::string& key_authorization) noexcept {
    try {
        const std::string value = dns01_txt_value(key_authorization);
        std::optional<Target> target;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (auto it = presented_.find({identifier.value, value}); it != presented_.end()) {
                target = it->second;
                presented_.erase(it);
            }
        }
        if (!target) return;  // present() wrote nothing
        if (update_) update_->remove_txt(target->zone, target->fqdn, value);
        else run("remove", identifier, target->fqdn, value);
    } catch (const std::exception& e) {
        spdlog::warn("{}", e.what());
    }
}

}  // namespace certa::acme
