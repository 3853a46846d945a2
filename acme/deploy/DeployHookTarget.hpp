// The deploy hook (`--deploy-hook CMD`, IssueSettings::deploy_hook): run
// with the certificate described in its environment (DeployHook) after
// every file target succeeded.
#pragma once

#include "acme/deploy/DeployTarget.hpp"

#include <string>

namespace certa::acme {

class DeployHookTarget : public DeployTarget {
public:
    explicit DeployHookTarget(std::string command) : command_(std::move(command)) {}
    std::string kind() const override { return "hook"; }
    Stage stage() const override { return Stage::Hook; }
    DeployOutcome deploy(DeployRun& run) const override;

private:
    std::string command_;
};

}  // namespace certa::acme
