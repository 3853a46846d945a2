#include "acme/deploy/CertbotLayoutTarget.hpp"

#include "acme/deploy/CertbotLayout.hpp"
#include "acme/deploy/DeployError.hpp"
#include "storage/base/Text.hpp"

namespace certa::acme {

DeployOutcome CertbotLayoutTarget::deploy(DeployRun& run) const {
    CertbotExport written;
    try {
        written = write_certbot_lineage(run.context.certificate, config_dir_, lineage_);
    } catch (const std::exception& e) {
        throw DeployError("export to " + config_dir_ + " (certbot layout) failed: " + storage::one_line(e.what()));
    }
    run.context.certbot_live_dirs.push_back(written.live_dir.string());
    return {"exported", "to " + config_dir_ + " (certbot layout, version " + std::to_string(written.version) + ")"};
}

}  // namespace certa::acme
