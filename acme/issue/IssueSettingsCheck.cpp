#include "acme/issue/IssueSettingsCheck.hpp"

#include "acme/challenge/dns/DnsTxtLookup.hpp"
#include "acme/deploy/CertbotLayout.hpp"
#include "acme/deploy/CheckAddress.hpp"
#include "acme/deploy/DeployTargetFactory.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"
#include "storage/net/HostPort.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace certa::acme {

namespace {

// RFC 8555 §6.1: HTTPS only.
bool https_url(const std::string& url) {
    return url.size() >= 8 && std::equal(url.begin(), url.begin() + 8, "https://", [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

}  // namespace

std::string validate(const IssueSettings& s) {
    if (s.server.empty()) return "no ACME server (--server URL)";
    if (!s.servers.empty() && s.servers.front() != s.server) return "the CA list does not start with --server " + s.server;
    for (const auto& url : s.ca_list()) {
        if (!https_url(url)) return "--server must be an https:// URL (ACME runs over HTTPS only): " + url;
        if (std::count(s.servers.begin(), s.servers.end(), url) > 1) return "--server " + url + " is given twice";
    }
    if (!storage::is_challenge_type(s.challenge)) return storage::unknown_challenge_type(s.challenge);
    if (!storage::is_key_type(s.key_type)) return storage::unknown_key_type(s.key_type);
    if (s.dns_update.empty() != s.tsig_key_file.empty()) return "--dns-update and --tsig-key-file go together";
    if (!s.dns_update.empty() && !s.dns_hook.empty()) return "give --dns-hook or --dns-update, not both";
    if (storage::parse_challenge_type(s.challenge) == storage::ChallengeType::Dns01 && s.dns_hook.empty() &&
        s.dns_update.empty())
        return "dns-01 needs --dns-hook CMD, or --dns-update HOST --tsig-key-file FILE";
    if (!s.dns_update.empty()) {
        // The form only: the host name is resolved when the update is sent (Dns01Solver).
        try {
            if (storage::net::HostPort::parse(s.dns_update, 53).port == 0) return "--dns-update '" + s.dns_update + "': port 0";
        } catch (const std::invalid_argument& e) {
            return "--dns-update '" + s.dns_update + "': " + e.what();
        }
    }
    if (s.dns_propagation_timeout < 0 || s.dns_propagation_timeout > kMaxDnsPropagationTimeout)
        return "--dns-propagation-timeout must be between 0 and " + std::to_string(kMaxDnsPropagationTimeout) + " seconds";
    if (!s.certbot_lineage.empty() && !is_certbot_lineage_name(s.certbot_lineage))
        return "certbot lineage '" + s.certbot_lineage + "' is not a directory name";
    for (const auto& t : s.deploy_targets)
        if (std::string problem = deploy_target_problem(t); !problem.empty()) return problem;
    for (const auto& c : s.deploy_checks)
        if (std::string problem = deploy_check_problem(c); !problem.empty()) return problem;
    for (const auto& r : s.dns_resolvers) {
        try {
            parse_dns_resolver(r);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
    }
    return {};
}

}  // namespace certa::acme
