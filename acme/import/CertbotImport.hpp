// `certa import certbot [DIR]`: certbot's accounts and lineages (DIR default
// /etc/letsencrypt) read into an ImportPlan. Every renewal/NAME.conf is one
// certificate; its `account` names the account directory under the conf's
// server. Each certificate records DIR as a certbot layout export and NAME as
// its lineage, so `certa renew` continues certbot's archive/NAME versions and
// re-points live/NAME (see CertbotSettings). certbot's
// renewal-hooks/{pre,post,deploy}/ scripts are listed (certa does not run
// them).
#pragma once

#include "acme/import/ImportPlan.hpp"

#include <filesystem>

namespace certa::acme {

struct CertbotImportOptions {
    // Record DIR as each certificate's certbot layout (certbot_dirs); false
    // (--no-export): certa leaves live/ and archive/ alone.
    bool export_live = true;
};

// Throws ImportError (malformed or empty input) or LocalFileError.
ImportPlan read_certbot(const std::filesystem::path& dir, const CertbotImportOptions& options = {});

}  // namespace certa::acme
