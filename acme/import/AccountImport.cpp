#include "acme/import/AccountImport.hpp"

#include "acme/import/ImportError.hpp"
#include "acme/protocol/AccountKey.hpp"
#include "storage/StoreTypes.hpp"

namespace certa::acme {

namespace {

bool https_url(const std::string& url) { return url.rfind("https://", 0) == 0 && url.size() > 8; }

}  // namespace

ImportedAccount imported_account(const std::string& where, const std::string& server, const AccountDocument& doc,
                                 EVP_PKEY* key) {
    if (!https_url(doc.url)) throw ImportError(where + ": the account URL is missing or not https://");
    if (!https_url(server)) throw ImportError(where + ": the CA's directory URL is not https://: " + server);
    std::optional<AccountKey> account_key;
    try {
        account_key.emplace(AccountKey::from_pem(ossl::to_pem(key)));
    } catch (const KeyError& e) {
        throw ImportError(where + ": " + e.what());
    }
    ImportedAccount out;
    out.source = where;
    out.row.server = server;
    out.row.key_type = account_key->alg_name();
    out.row.key_pem = account_key->to_pem();
    out.row.url = doc.url;
    out.row.contact = storage::encode_contact(doc.contact);
    out.row.status = doc.status.empty() ? "valid" : doc.status;
    return out;
}

}  // namespace certa::acme
