// The step after a renewal (or a `certa issue --deploy`): push the
// certificate to every DeployTarget of its settings (DeployTargetFactory:
// export directories, certbot layouts, the deploy hook, the `--deploy`
// servers such as HAProxy's runtime API or an nginx reload) in stage order,
// and check by TLS handshake that the servers now serve it (LiveCheck). It runs under the row's store lease
// "cert:<id>", so overlapping `certa renew` runs (on one machine or many)
// deploy a row once. deploy_pending is cleared afterwards, also after a
// failed export or hook (reported, not retried), but not when a target
// failed or the new certificate is not live: the next `certa renew` retries
// the whole deploy. A run killed before that leaves it set too.
#pragma once

#include "acme/deploy/DeployTarget.hpp"
#include "acme/request/IssueSettings.hpp"
#include "acme/request/LocalPolicy.hpp"
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
    std::vector<std::string> deploy_targets;  // override the recorded --deploy targets when set
    std::vector<std::string> deploy_checks;   // override the recorded --deploy-check addresses when set
};

// The recorded settings with this run's deploy flags applied. What a flag
// replaces is not checked (it is local); throws std::runtime_error with the
// policy's refusal when a recorded setting left in use is not allowed here.
IssueSettings with_local_deploy(IssueSettings recorded, const DeployOptions& options);

class Deployer {
public:
    Deployer(storage::Store& store, DeployOptions options);

    // Deploys `certificate_id` if it is still active and pending. nullopt when
    // the lease is held elsewhere or nothing is pending; else "" when it was
    // deployed, or a one-line deploy error (the renewal itself stands).
    std::optional<std::string> finish(std::int64_t certificate_id);
    const DeployOptions& options() const { return options_; }

private:
    struct Result {
        std::string error;
        bool retry = false;  // a target or the live check failed: stays pending
    };
    Result deploy(const storage::CertificateRecord& renewed, const IssueSettings& settings);
    void record_overrides(std::int64_t certificate_id);
    // Throws DeployError unless every server is live at the check addresses.
    void check_servers(const storage::CertificateRecord& renewed, const IssueSettings& settings,
                              const std::vector<std::string>& done);

    storage::Store& store_;
    DeployOptions options_;
};

}  // namespace certa::acme
