#include "acme/deploy/NginxTarget.hpp"

#include "acme/deploy/DeployError.hpp"
#include "storage/base/Text.hpp"

#include <stdexcept>

namespace certa::acme {

NginxTarget NginxTarget::parse(const std::string& spec) {
    if (spec != "nginx" && spec.rfind("nginx:", 0) != 0) throw std::invalid_argument("--deploy: not an nginx target: " + spec);
    NginxTarget target(spec.size() > 6 ? spec.substr(6) : "nginx -s reload");
    if (target.command.find_first_not_of(" \t") == std::string::npos)
        throw std::invalid_argument("--deploy nginx:COMMAND: empty COMMAND");
    return target;
}

DeployOutcome NginxTarget::deploy(DeployRun& run) const {
    // The reload command sees the deploy hook's environment.
    std::string failed;
    try {
        failed = run_deploy_hook(command, run.context, run.command_timeout);
    } catch (const std::exception& e) {
        throw DeployError("deploy failed: " + storage::one_line(e.what()));
    }
    if (!failed.empty()) throw DeployError("nginx reload failed: " + storage::one_line(failed));
    return {"", "nginx"};
}

}  // namespace certa::acme
