#include "cli/DeployFlags.hpp"

#include "acme/deploy/CheckAddress.hpp"
#include "acme/deploy/DeployTargetFactory.hpp"

#include <unistd.h>

namespace certa::cli {

void add_deploy_flags(CLI::App* cmd, DeployFlags& flags) {
    cmd->add_option("--deploy", flags.targets,
                    "Push the certificate to haproxy:SOCKET[:CRT-PATH[:CRT-LIST]] (runtime API, no reload) or "
                    "nginx[:COMMAND] (reload), then check it is served; repeatable, recorded for renewals")
        ->type_name("TARGET")
        ->check([](const std::string& v) { return acme::deploy_target_problem(v); });
    cmd->add_option("--deploy-check", flags.checks,
                    "HOST:PORT where the deployed certificate must be served (default 127.0.0.1:443; 'none': "
                    "don't check); repeatable, recorded")
        ->type_name("HOST:PORT")
        ->check([](const std::string& v) { return acme::deploy_check_problem(v); });
}

std::string lease_owner() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

}  // namespace certa::cli
