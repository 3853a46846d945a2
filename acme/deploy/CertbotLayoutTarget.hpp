// A certbot config dir (`certa export --layout certbot`,
// IssueSettings::certbot_dirs): the next version of the lineage in
// archive/NAME with live/NAME re-pointed (CertbotLayout). Its live dir joins
// the hook's environment (RENEWED_LINEAGE) once written.
#pragma once

#include "acme/deploy/DeployTarget.hpp"

#include <string>

namespace certa::acme {

class CertbotLayoutTarget : public DeployTarget {
public:
    // lineage: IssueSettings::certbot_lineage ("" = the primary name).
    CertbotLayoutTarget(std::string config_dir, std::string lineage)
        : config_dir_(std::move(config_dir)), lineage_(std::move(lineage)) {}
    std::string kind() const override { return "certbot"; }
    Stage stage() const override { return Stage::Files; }
    DeployOutcome deploy(DeployRun& run) const override;

private:
    std::string config_dir_;
    std::string lineage_;
};

}  // namespace certa::acme
