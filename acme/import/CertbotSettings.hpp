// certbot's renewal settings ([renewalparams] of renewal/NAME.conf) mapped
// onto certa's IssueSettings, so that `certa renew` continues where certbot
// stopped. Whatever does not map is returned as an ImportNote, never dropped:
//   authenticator standalone → http-01, standalone responder on http01_port
//                              (default 80) and http01_address;
//   authenticator webroot    → http-01 --webroot (webroot_map, else webroot_path);
//   authenticator dns-rfc2136 → dns-01 --dns-update SERVER:PORT from its
//                              dns_rfc2136_credentials file, and that file's
//                              path as --tsig-key-file (the secret stays there);
//   other authenticators     → not renewed by certa (renew_skip_reason);
//   key_type/rsa_key_size/elliptic_curve → key type; renew_hook (certbot's
//   deploy hook) → deploy hook, unchanged (DeployHook sets RENEWED_LINEAGE
//   and RENEWED_DOMAINS as certbot does); preferred_chain;
//   preferred_profile/required_profile → profile; autorenew = False → not
//   renewed.
// NAME is recorded as the certificate's certbot lineage, and the config dir
// (unless told not to) as a certbot layout export (certbot_dirs): a renewal
// adds archive/NAME/*N+1.pem after certbot's versions and re-points the
// live/NAME links, as certbot would, so servers configured with
// live/NAME/fullchain.pem keep working. renewal/NAME.conf is left as it is.
#pragma once

#include "acme/import/CertbotRenewalConf.hpp"
#include "acme/import/ImportPlan.hpp"
#include "acme/request/IssueSettings.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace certa::acme {

struct CertbotLineageSettings {
    IssueSettings settings;
    std::string account_id;          // [renewalparams] account ("" when absent)
    bool needs_challenge = false;    // not renewed only for want of an authenticator certa has
    std::vector<ImportNote> notes;
};

// certbot's default CA when a conf names none.
inline constexpr const char* kCertbotDefaultServer = "https://acme-v02.api.letsencrypt.org/directory";

// `current_key_type`: the key of the lineage's current certificate (used when
// the conf names no key type). `config_dir`: certbot's config dir (absolute),
// recorded in certbot_dirs when `export_live`.
CertbotLineageSettings certbot_settings(const CertbotRenewalConf& conf, const std::string& lineage,
                                        const std::vector<std::string>& names, const std::string& current_key_type,
                                        const std::filesystem::path& config_dir, bool export_live);

}  // namespace certa::acme
