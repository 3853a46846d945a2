// What `certa import` read from another client's files, before anything is
// written: accounts (with their keys), certificates (with their keys and
// renewal settings) and every setting certa does not carry over. Readers
// (CertbotImport, LegoImport, FileImport) build it; StoreImport writes it.
// Holds secrets (account and certificate keys): never print a plan whole.
#pragma once

#include "acme/request/IssueSettings.hpp"
#include "storage/StoreTypes.hpp"

#include <string>
#include <vector>

namespace certa::acme {

struct ImportedAccount {
    storage::Account row;  // server, key_type, key_pem (secret), url, contact, status, created
    std::string source;    // the directory it was read from
};

// A setting certa does not carry over, or a fact the user must know.
struct ImportNote {
    enum class Kind { Unsupported, Unknown, Note };
    Kind kind = Kind::Unsupported;
    std::string subject;   // lineage / certificate name; "" for the whole source
    std::string setting;   // e.g. "pre_hook = systemctl stop nginx"
    std::string reason;    // what certa does instead
};
const char* to_string(ImportNote::Kind kind);

struct ImportedCertificate {
    std::string label;               // certbot lineage, lego domain or the --cert file
    std::string source;              // the files it was read from
    storage::CertificateInput input; // names, key_type, key_pem (secret), chain_pem, server, account_id
    IssueSettings settings;          // written as input.settings_json
    int account = -1;                // index into ImportPlan::accounts; -1: input.account_id (0: none)
    // settings.renew_skip_reason is set only because certa has no equivalent
    // of how it was validated: choosing a challenge at import lifts it.
    bool needs_challenge = false;
    std::vector<std::string> names;  // as indexed (the SAN unless given)
    std::string serial_hex, aki_hex;
    storage::UnixTime not_after = 0;
};

struct ImportPlan {
    std::string kind;    // "certbot", "lego", "files"
    std::string source;  // directory or file
    std::vector<ImportedAccount> accounts;
    std::vector<ImportedCertificate> certificates;
    std::vector<ImportNote> notes;
};

}  // namespace certa::acme
