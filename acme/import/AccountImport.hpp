// The account row `certa import` stores for an account another client
// registered: the same key and the same account URL (no new registration, so
// RFC 9773 `replaces` and the CA's renewal exemptions keep applying). Shared
// by the certbot and lego readers.
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "storage/base/OpenSsl.hpp"

#include <string>
#include <vector>

namespace certa::acme {

// What the other client recorded of the account object (RFC 8555 §7.1.2).
struct AccountDocument {
    std::string url;                   // the account URL (JWS kid)
    std::string status;                // "" when not recorded (taken as valid)
    std::vector<std::string> contact;
};

// Checks the key (EC P-256/P-384 or RSA >= 2048, AccountKey's rules) and the
// URL (https://, RFC 8555 §6.1). Throws ImportError naming `where`.
ImportedAccount imported_account(const std::string& where, const std::string& server, const AccountDocument& doc,
                                 EVP_PKEY* key);

}  // namespace certa::acme
