#include "cli/OcspStep.hpp"

#include "storage/StoreError.hpp"

#include <spdlog/spdlog.h>

namespace certa::cli {

std::vector<acme::OcspOutcome> run_ocsp_step(storage::Store& store) {
    try {
        acme::OcspRefresher refresher(store);
        return refresher.run();
    } catch (const storage::StoreError&) {
        throw;  // the command's one line and exit code 3, as for the renewal itself
    } catch (const std::exception& e) {
        spdlog::warn("OCSP: cannot list the certificates due for a refresh: {}", e.what());
        return {};
    }
}

std::string ocsp_text_line(const acme::OcspOutcome& o) {
    if (o.status == "revoked")
        return o.name + ": OCSP says revoked" + (o.renewal_scheduled ? ", renewal scheduled now" : "");
    if (o.status == "failed") return o.name + ": OCSP failed: " + o.error;
    return {};
}

}  // namespace certa::cli
