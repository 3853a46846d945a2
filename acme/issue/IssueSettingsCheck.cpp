#include "acme/issue/IssueSettingsCheck.hpp"

#include "acme/challenge/DnsTxtLookup.hpp"
#include "acme/deploy/CertbotLayout.hpp"
#include "acme/deploy/CheckAddress.hpp"
#include "acme/deploy/DeployTargetFactory.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace certa::acme {

std::string validate(const IssueSettings& s) {
    if (s.server.empty()) return "no ACME server (--server URL)";
    // RFC 8555 §6.1: HTTPS only.
    if (s.server.size() < 8 || !std::equal(s.server.begin(), s.server.begin() + 8, "https://",
                                           [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
        return "--server must be an https:// URL (ACME runs over HTTPS only): " + s.server;
    if (!storage::is_challenge_type(s.challenge)) return storage::unknown_challenge_type(s.challenge);
    if (!storage::is_key_type(s.key_type)) return storage::unknown_key_type(s.key_type);
    if (storage::parse_challenge_type(s.challenge) == storage::ChallengeType::Dns01 && s.dns_hook.empty())
        return "dns-01 needs --dns-hook CMD";
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
