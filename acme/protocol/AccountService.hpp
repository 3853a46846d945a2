// ACME account management (RFC 8555 §7.3) on top of the store. The account
// key is inserted into the store BEFORE the CA learns it, so a crash never
// leaves an account whose key was lost. Keys never reach logs or errors.
#pragma once

#include "acme/protocol/AccountKey.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/protocol/ExternalAccountBinding.hpp"
#include "storage/Store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace certa::acme {

struct RegisterOptions {
    std::vector<std::string> contact;   // "mailto:a@example.com" (plain addresses get "mailto:")
    bool agree_tos = false;
    std::optional<EabCredentials> eab;
    KeyAlg key_alg = KeyAlg::ES256;
};

// The account object as the CA reports it (RFC 8555 §7.1.2).
struct AccountInfo {
    std::string url;
    std::string status;                 // valid, deactivated, revoked
    std::vector<std::string> contact;
    std::string orders;
};

// Thrown for account problems that are not the CA's answer (e.g. the CA
// requires EAB and none was given, or terms must be agreed).
class AccountError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class AccountService {
public:
    AccountService(storage::Store& store, AcmeClient& client);

    // Generates a key, stores it (status "new"), sends newAccount, then stores
    // url + status "valid" and makes it the client's account. If the CA already
    // knows the key (200), the existing account is adopted.
    storage::Account register_account(const RegisterOptions& options);
    // newAccount with onlyReturnExisting (RFC 8555 §7.3.1): the account URL
    // for this key, or nullopt when the CA answers accountDoesNotExist.
    std::optional<std::string> find_existing(const AccountKey& key);
    // Loads a stored account into the client (set_account).
    void use(const storage::Account& account);
    // POST-as-GET the account URL (the stored account must be in use).
    AccountInfo fetch(const storage::Account& account);
    // RFC 8555 §7.3.2: replaces the contact list; returns the updated row.
    storage::Account update_contact(const storage::Account& account, const std::vector<std::string>& contact);
    // RFC 8555 §7.3.5 key rollover. The new key is inserted into the store as
    // its own row (status "rollover") before keyChange is sent; on success it
    // becomes "valid" and the old row "replaced". Returns the new row.
    storage::Account rollover(const storage::Account& account, KeyAlg new_alg);
    // RFC 8555 §7.3.6: status "deactivated" at the CA and in the store.
    storage::Account deactivate(const storage::Account& account);

private:
    storage::Store& store_;
    AcmeClient& client_;
};

// Loads the stored account for client.directory_url() (resolving an
// interrupted registration or rollover) or registers a new one; the result is
// set as the client's account.
storage::Account ensure_account(storage::Store& store, AcmeClient& client, const RegisterOptions& options);

// "a@example.com" → "mailto:a@example.com"; URIs with a scheme are kept.
std::string normalize_contact(const std::string& contact);

}  // namespace certa::acme
