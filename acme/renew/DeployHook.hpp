// The deploy hook `certa renew` runs after each successful renewal:
// `/bin/sh -c CMD` with the certificate described in the environment
// (CERTA_NAMES, CERTA_PRIMARY_NAME, CERTA_CERT_ID, CERTA_STORE,
// CERTA_EXPORT_DIRS and, when exported, CERTA_CERT_PATH / CERTA_CHAIN_PATH /
// CERTA_FULLCHAIN_PATH / CERTA_KEY_PATH of the first export directory).
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
};

// The environment described above.
std::map<std::string, std::string> deploy_environment(const DeployContext& context);

// Runs the hook; "" on success, else a one-line reason (exit status or
// timeout, plus the tail of its output).
std::string run_deploy_hook(const std::string& command, const DeployContext& context,
                            std::chrono::milliseconds timeout);

}  // namespace certa::acme
