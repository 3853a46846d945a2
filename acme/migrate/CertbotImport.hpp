// `certa import certbot [DIR]`: certbot's accounts and lineages (DIR default
// /etc/letsencrypt) read into an ImportPlan. Every renewal/NAME.conf is one
// certificate; its `account` names the account directory under the conf's
// server. certbot's renewal-hooks/{pre,post,deploy}/ scripts are listed
// (certa does not run them).
#pragma once

#include "acme/migrate/ImportPlan.hpp"

#include <filesystem>

namespace certa::acme {

struct CertbotImportOptions {
    bool export_live = true;  // record DIR/live/NAME as an export dir of each certificate
};

// Throws ImportError (malformed or empty input) or LocalFileError.
ImportPlan read_certbot(const std::filesystem::path& dir, const CertbotImportOptions& options = {});

}  // namespace certa::acme
