// `certa import lego [DIR]`: lego's accounts and certificates (DIR default
// ./.lego) read into an ImportPlan. lego keeps neither the CA's directory
// URL (only its host) nor how a certificate was validated, so:
//   - the directory URL comes from --server (for the accounts folder of its
//     host) or from a short list of public CAs; any other folder is refused;
//   - a certificate belongs to the account of its certUrl's host (--email
//     chooses among several);
//   - it is renewed with http-01 on port 80 (lego's default) unless the
//     import is told otherwise (ImportOverrides).
#pragma once

#include "acme/import/ImportPlan.hpp"

#include <filesystem>
#include <string>

namespace certa::acme {

struct LegoImportOptions {
    std::string server;  // directory URL of the CA the accounts folder of its host belongs to
    std::string email;   // only this account
};

// Throws ImportError (malformed or empty input, unknown CA) or LocalFileError.
ImportPlan read_lego(const std::filesystem::path& dir, const LegoImportOptions& options = {});

}  // namespace certa::acme
