// The deploy hook `certa renew` runs after each successful renewal:
// `/bin/sh -c CMD` with the certificate described in the environment
// (CERTA_NAMES, CERTA_PRIMARY_NAME, CERTA_CERT_ID, CERTA_STORE,
// CERTA_EXPORT_DIRS and, when exported, CERTA_CERT_PATH / CERTA_CHAIN_PATH /
// CERTA_FULLCHAIN_PATH / CERTA_KEY_PATH of the first export directory, else
// of the certbot live dir), and the variables certbot's and lego's hooks
// read: RENEWED_LINEAGE (the certbot live/NAME dir, NAME the recorded
// lineage of an imported certbot certificate, else the primary name; else
// the first export dir), RENEWED_DOMAINS (space separated), LEGO_CERT_DOMAIN (the primary
// name), LEGO_CERT_PATH (fullchain.pem: lego's .crt is the bundle) and
// LEGO_CERT_KEY_PATH (privkey.pem) in that same dir.
// The key itself is never put in the environment.
#pragma once

#include "storage/StoreTypes.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace certa::acme {

struct DeployContext {
    storage::CertificateRecord certificate;  // the new certificate
    std::string store_location;
    std::vector<std::string> export_dirs;
    std::vector<std::string> certbot_live_dirs;  // CONFIG/live/NAME of each certbot layout export
};

// The environment described above.
std::map<std::string, std::string> deploy_environment(const DeployContext& context);

// Runs the hook; "" on success, else a one-line reason (exit status or
// timeout, plus the tail of its output).
std::string run_deploy_hook(const std::string& command, const DeployContext& context,
                            std::chrono::milliseconds timeout);

}  // namespace certa::acme
