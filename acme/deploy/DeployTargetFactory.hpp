// Builds DeployTargets: from a `--deploy` spelling (the one parser behind
// cli/DeployFlags, IssueSettings validation and the Deployer), and the
// whole list a certificate's recorded settings deploy to.
//
//   haproxy:SOCKET[:CRT-PATH[:CRT-LIST]]  HaproxyTarget
//   nginx[:COMMAND]                       NginxTarget
#pragma once

#include "acme/deploy/DeployTarget.hpp"
#include "acme/request/IssueSettings.hpp"

#include <memory>
#include <string>
#include <vector>

namespace certa::acme {

// A `--deploy` target. Throws std::invalid_argument with a one-line reason.
std::unique_ptr<DeployTarget> make_deploy_target(const std::string& spec);

// "" when `spec` is a valid `--deploy` target, else the reason.
std::string deploy_target_problem(const std::string& spec);

// What `settings` deploy to, in stage order: each export dir, each certbot
// layout, the deploy hook, then each `--deploy` target (one that does not
// parse becomes a server target that fails with the reason).
std::vector<std::unique_ptr<DeployTarget>> deploy_targets_of(const IssueSettings& settings);

}  // namespace certa::acme
