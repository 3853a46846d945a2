#include "acme/import/ImportOverrides.hpp"

#include "acme/import/FileImport.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/issue/IssueSettingsCheck.hpp"
#include "storage/ChallengeType.hpp"

namespace certa::acme {

void apply_overrides(ImportPlan& plan, const ImportOverrides& o) {
    for (auto& cert : plan.certificates) {
        IssueSettings& s = cert.settings;
        if (o.server) {
            s.server = *o.server;
            cert.input.server = *o.server;
            if (s.renew_skip_reason == kNoServerSkipReason) s.renew_skip_reason.clear();
        }
        if (o.ca_bundle) s.ca_bundle = *o.ca_bundle;
        if (o.challenge) s.challenge = *o.challenge;
        else if (o.dns_hook) s.challenge = storage::to_string(storage::ChallengeType::Dns01);
        else if (o.tls_port) s.challenge = storage::to_string(storage::ChallengeType::TlsAlpn01);
        else if (o.webroot || o.http_port) s.challenge = storage::to_string(storage::ChallengeType::Http01);
        if (o.http_port) s.http_port = *o.http_port;
        if (o.http_address) s.http_address = *o.http_address;
        if (o.webroot) s.webroot = *o.webroot;
        if (o.dns_hook) {
            s.dns_hook = *o.dns_hook;  // replaces a recorded RFC 2136 update (certbot's dns-rfc2136)
            s.dns_update.clear();
            s.tsig_key_file.clear();
        }
        if (o.tls_port) s.tls_port = *o.tls_port;
        if (o.deploy_hook) s.deploy_hook = *o.deploy_hook;
        if (o.preferred_chain) s.preferred_chain = *o.preferred_chain;
        if (o.agree_tos) s.agree_tos = true;
        if (storage::parse_challenge_type(s.challenge) != storage::ChallengeType::Http01) s.webroot.clear();
        if (cert.needs_challenge && o.chooses_challenge()) {
            cert.needs_challenge = false;
            s.renew_skip_reason.clear();
        }
        if (!s.renew_skip_reason.empty()) continue;
        if (std::string problem = validate(s); !problem.empty())
            throw ImportError(cert.label + ": renewal settings: " + problem);
    }
}

}  // namespace certa::acme
