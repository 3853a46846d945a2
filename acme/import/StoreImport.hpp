// Writes an ImportPlan into the store: what is already there is left alone
// (an account with the same CA and account URL; a certificate with the same
// serial and issuer key id, in any status, so a certificate certa has since
// renewed is not brought back), everything else goes in with ONE
// Store::import_batch transaction. A second import of the same files
// therefore writes nothing. `dry_run` decides the same and writes nothing.
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "storage/Store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace certa::acme {

enum class ImportAction { Import, Present };
const char* to_string(ImportAction action);

struct AccountResult {
    std::string server, url, key_type, source;
    ImportAction action = ImportAction::Import;
    std::int64_t id = 0;  // the store row (0 on a dry run of a new one)
};

struct CertificateResult {
    std::string label, source, serial_hex;
    std::vector<std::string> names;
    storage::UnixTime not_after = 0;
    ImportAction action = ImportAction::Import;
    std::int64_t id = 0;           // the store row (0 on a dry run of a new one)
    std::string stored_status;     // Present: the row's status (active, replaced, revoked)
    std::string account_url;       // "" when it has no account
    IssueSettings settings;
};

struct ImportReport {
    std::string kind, source, store;
    bool dry_run = false;
    std::vector<AccountResult> accounts;
    std::vector<CertificateResult> certificates;
    std::vector<ImportNote> notes;

    int to_import() const;  // accounts + certificates with action Import
};

// Throws StoreError (the store refused; nothing was written) or ImportError.
// `store` may be null on a dry run only: a store that does not exist yet
// (everything would be imported).
ImportReport import_plan(storage::Store* store, const ImportPlan& plan, bool dry_run);

}  // namespace certa::acme
