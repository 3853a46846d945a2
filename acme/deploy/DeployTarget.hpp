// The one interface every deploy step implements: a renewed certificate is
// pushed to each target of its recorded settings in turn (Deployer). The
// targets are the export directories (ExportDirTarget), certbot layouts
// (CertbotLayoutTarget), the deploy hook (DeployHookTarget) and the
// `--deploy` servers (HaproxyTarget, NginxTarget); DeployTargetFactory
// builds them. A new kind of target is one class and one row in the
// factory: the Deployer has no per-kind branch.
#pragma once

#include "acme/deploy/DeployHook.hpp"
#include "acme/request/LocalPolicy.hpp"

#include <chrono>
#include <string>

namespace certa::acme {

// What a target works with: the certificate and the hook environment
// (DeployContext, which a certbot layout extends with its live dir), what
// this host allows (LocalPolicy) and how long a command may run.
struct DeployRun {
    DeployContext& context;
    const LocalPolicy& policy;
    std::chrono::milliseconds command_timeout;
};

// What a target did, for the store's events table.
struct DeployOutcome {
    std::string event;   // "exported", "deployed"; "" = reported with the live check (a server)
    std::string detail;  // "to DIR", "haproxy SOCKET CRT-PATH", ...
};

class DeployTarget {
public:
    // The order of the steps, and what a failure means (Deployer):
    //   Files:  written first; a failure is reported, not retried.
    //   Hook:   runs only when every file target succeeded; reported, not retried.
    //   Server: a running server takes the certificate; the first failure
    //           stops the other servers and leaves the deploy pending (retried
    //           by the next `certa renew`); after them, the live check.
    enum class Stage { Files, Hook, Server };

    virtual ~DeployTarget() = default;
    // A short word naming the kind ("export-dir", "certbot", "hook", "haproxy", "nginx").
    virtual std::string kind() const = 0;
    virtual Stage stage() const = 0;
    // Deploys run.context.certificate. Throws DeployError (one line naming
    // the target, and its class).
    virtual DeployOutcome deploy(DeployRun& run) const = 0;
};

}  // namespace certa::acme
