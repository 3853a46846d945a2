// One certbot lineage: renewal/NAME.conf and the current certificate in
// live/NAME/ (fullchain.pem and privkey.pem, symbolic links into archive/).
// NAME is the lineage's own name (certbot --cert-name, "example.com-0001"),
// which may differ from the certificate's primary name; certa renews into
// that lineage (IssueSettings::certbot_lineage).
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "acme/import/ImportTree.hpp"

#include <string>
#include <vector>

namespace certa::acme {

struct CertbotLineage {
    ImportedCertificate certificate;  // settings mapped by certbot_settings
    std::string account_id;           // the conf's account ("" when absent)
};

// Throws ImportError (malformed conf, key/certificate mismatch, bad chain)
// or LocalFileError (a file cannot be read). Notes are appended to `notes`.
CertbotLineage read_certbot_lineage(const ImportTree& tree, const std::string& name, bool export_live,
                                    std::vector<ImportNote>& notes);

}  // namespace certa::acme
