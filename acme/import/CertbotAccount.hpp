// certbot's ACME accounts: accounts/<server host and path>/<id>/ with
// private_key.json (the account key as a JWK), regr.json ({"body": the
// account object, "uri": the account URL}) and meta.json (creation_dt).
// The directory URL is "https://" + the path below accounts/ (certbot keeps
// accounts/acme-v02.api.letsencrypt.org/directory/<id>).
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "acme/import/ImportTree.hpp"

#include <string>
#include <vector>

namespace certa::acme {

struct CertbotAccount {
    std::string id;          // the directory name, as renewal confs name it
    ImportedAccount account;
};

// Every account below accounts/. A deactivated one is left out with a note.
// Throws ImportError for a malformed account (bad JWK, no https uri).
std::vector<CertbotAccount> read_certbot_accounts(const ImportTree& tree, std::vector<ImportNote>& notes);

}  // namespace certa::acme
