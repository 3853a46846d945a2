#include "acme/deploy/ExportDirTarget.hpp"

#include "acme/deploy/CertificateExport.hpp"
#include "acme/deploy/DeployError.hpp"
#include "storage/base/Text.hpp"

namespace certa::acme {

DeployOutcome ExportDirTarget::deploy(DeployRun& run) const {
    try {
        write_certificate_files(run.context.certificate, dir_);
    } catch (const std::exception& e) {
        throw DeployError("export to " + dir_ + " failed: " + storage::one_line(e.what()));
    }
    return {"exported", "to " + dir_};
}

}  // namespace certa::acme
