// An export directory (`certa export --dir`, IssueSettings::export_dirs):
// cert.pem, chain.pem, fullchain.pem and privkey.pem rewritten after each
// renewal (CertificateExport).
#pragma once

#include "acme/deploy/DeployTarget.hpp"

#include <string>

namespace certa::acme {

class ExportDirTarget : public DeployTarget {
public:
    explicit ExportDirTarget(std::string dir) : dir_(std::move(dir)) {}
    std::string kind() const override { return "export-dir"; }
    Stage stage() const override { return Stage::Files; }
    DeployOutcome deploy(DeployRun& run) const override;

private:
    std::string dir_;
};

}  // namespace certa::acme
