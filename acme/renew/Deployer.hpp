// The step after a renewal: rewrite the certificate's export directories
// (CertificateExport), then run its deploy hook (DeployHook). It runs under
// the row's store lease "cert:<id>", so overlapping `certa renew` runs (on one
// machine or many) deploy a row once; deploy_pending is cleared afterwards,
// also after a failed hook (failures are reported, not retried). A run killed
// before that leaves it set and the next run deploys.
#pragma once

#include "acme/renew/LocalPolicy.hpp"
#include "storage/Store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace certa::acme {

struct DeployOptions {
    std::string owner;                     // lease owner, "host:pid"
    int lease_ttl_s = 120;
    std::string deploy_hook;               // overrides the recorded hook when set
    std::chrono::milliseconds hook_timeout{300000};
    LocalPolicy policy;                    // what of the recorded settings may run here
};

class Deployer {
public:
    Deployer(storage::Store& store, DeployOptions options);

    // Deploys `certificate_id` if it is still active and pending. nullopt when
    // the lease is held elsewhere or nothing is pending; else "" when it was
    // deployed, or a one-line deploy error (the renewal itself stands).
    std::optional<std::string> finish(std::int64_t certificate_id);

private:
    std::string deploy(const storage::CertificateRecord& renewed, const std::vector<std::string>& export_dirs,
                       const std::string& hook);

    storage::Store& store_;
    DeployOptions options_;
};

}  // namespace certa::acme
