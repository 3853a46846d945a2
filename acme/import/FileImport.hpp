// `certa import --cert FULLCHAIN --key KEY [--chain CHAIN] [--name NAME]...`:
// one certificate from PEM files, stored for the handshake agent and `certa
// list`. Without a CA (ImportOverrides::server) `certa renew` leaves it alone
// and says why (IssueSettings::renew_skip_reason).
#pragma once

#include "acme/import/ImportPlan.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace certa::acme {

struct FileImportOptions {
    std::filesystem::path cert;        // the leaf, usually followed by its issuers
    std::filesystem::path key;
    std::filesystem::path chain;       // optional: issuers appended after cert
    std::vector<std::string> names;    // index under these (each in the SAN); empty: the SAN
};

inline constexpr const char* kNoServerSkipReason =
    "imported from files without --server: certa renew leaves it alone (import again with --server URL to renew it)";

// Throws ImportError / LocalFileError (see ImportTree's file rules).
ImportPlan read_cert_files(const FileImportOptions& options);

}  // namespace certa::acme
