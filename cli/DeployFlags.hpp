// The deploy flags `certa issue` and `certa renew` share (--deploy,
// --deploy-check) and the lease owner name ("host:pid") of the commands that
// take store leases.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace certa::cli {

struct DeployFlags {
    std::vector<std::string> targets;  // --deploy
    std::vector<std::string> checks;   // --deploy-check
};

// Adds --deploy and --deploy-check (checked with acme::make_deploy_target /
// CheckAddress: a bad value is a usage error, exit 2).
void add_deploy_flags(CLI::App* cmd, DeployFlags& flags);

std::string lease_owner();

}  // namespace certa::cli
