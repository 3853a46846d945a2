// certbot's renewal settings ([renewalparams] of renewal/NAME.conf) mapped
// onto certa's IssueSettings, so that `certa renew` continues where certbot
// stopped. Whatever does not map is returned as an ImportNote, never dropped:
//   authenticator standalone → http-01, standalone responder on http01_port
//                              (default 80) and http01_address;
//   authenticator webroot    → http-01 --webroot (webroot_map, else webroot_path);
//   other authenticators     → not renewed by certa (renew_skip_reason);
//   key_type/rsa_key_size/elliptic_curve → key type; renew_hook (certbot's
//   deploy hook) → deploy hook, with RENEWED_LINEAGE and RENEWED_DOMAINS set
//   as certbot sets them; preferred_chain; preferred_profile/required_profile
//   → profile; autorenew = False → not renewed.
// live/NAME is recorded as an export dir (unless told not to), so the files
// servers are configured with keep being updated.
#pragma once

#include "acme/issue/IssueSettings.hpp"
#include "acme/migrate/CertbotRenewalConf.hpp"
#include "acme/migrate/ImportPlan.hpp"

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
// the conf names no key type). `live_dir`: absolute DIR/live/NAME.
CertbotLineageSettings certbot_settings(const CertbotRenewalConf& conf, const std::string& lineage,
                                        const std::vector<std::string>& names, const std::string& current_key_type,
                                        const std::filesystem::path& live_dir, bool export_live);

// POSIX shell single quoting ('it'\''s').
std::string shell_quote(const std::string& text);

}  // namespace certa::acme
