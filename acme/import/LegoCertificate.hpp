// One of lego's certificates: certificates/NAME.json ({"domain", "certUrl",
// "certStableUrl"}), NAME.crt (the certificate, with its issuers unless lego
// ran with --no-bundle), NAME.issuer.crt and NAME.key. NAME is the domain
// with '*' written as '_'.
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "acme/import/ImportTree.hpp"

#include <string>

namespace certa::acme {

struct LegoCertificate {
    ImportedCertificate certificate;
    std::string host_dir;  // the CA host folder of certUrl (which accounts/ folder issued it)
};

// `base`: NAME (the file names without extension). Throws ImportError / LocalFileError.
LegoCertificate read_lego_certificate(const ImportTree& tree, const std::string& base);

}  // namespace certa::acme
