// `--deploy nginx[:COMMAND]`: after the export dirs are written, run COMMAND
// (`sh -c`, default `nginx -s reload`) with the deploy hook's environment;
// the live check then waits for the reloaded workers.
#pragma once

#include "acme/deploy/DeployTarget.hpp"

#include <string>

namespace certa::acme {

class NginxTarget : public DeployTarget {
public:
    static constexpr const char* kPrefix = "nginx";
    explicit NginxTarget(std::string command) : command(std::move(command)) {}
    // "nginx" or "nginx:COMMAND"; throws std::invalid_argument.
    static NginxTarget parse(const std::string& spec);

    std::string kind() const override { return "nginx"; }
    Stage stage() const override { return Stage::Server; }
    DeployOutcome deploy(DeployRun& run) const override;

    std::string command;
};

}  // namespace certa::acme
