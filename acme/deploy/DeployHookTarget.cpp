#include "acme/deploy/DeployHookTarget.hpp"

#include "acme/deploy/DeployError.hpp"
#include "storage/base/Text.hpp"

namespace certa::acme {

DeployOutcome DeployHookTarget::deploy(DeployRun& run) const {
    std::string failed;
    try {
        failed = run_deploy_hook(command_, run.context, run.command_timeout);
    } catch (const std::exception& e) {
        failed = e.what();
    }
    if (!failed.empty()) throw DeployError("deploy hook failed: " + storage::one_line(failed));
    return {"deployed", "deploy hook succeeded"};
}

}  // namespace certa::acme
