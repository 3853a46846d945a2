// lego's ACME accounts: accounts/<CA host>[_<port>]/<email>/account.json
// ({"email", "registration": {"body": the account object, "uri": the
// account URL}}) with the key in keys/<email>.key (PEM). lego keeps only the
// CA's host, not its directory URL: the caller supplies it (LegoServer).
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "acme/import/ImportTree.hpp"

#include <string>
#include <vector>

namespace certa::acme {

struct LegoAccount {
    std::string host_dir;  // "acme-v02.api.letsencrypt.org", "127.0.0.1_14000"
    std::string email;     // the directory name
    ImportedAccount account;
};

// The account in accounts/<host_dir>/<email>/, for the directory URL `server`.
// Throws ImportError for a malformed account (bad key, no https uri).
LegoAccount read_lego_account(const ImportTree& tree, const std::string& host_dir, const std::string& email,
                              const std::string& server);

}  // namespace certa::acme
