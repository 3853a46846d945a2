#include "acme/protocol/AccountService.hpp"

#include "acme/protocol/Json.hpp"
#include "acme/protocol/Jws.hpp"
#include "storage/base/Clock.hpp"


namespace certa::acme {

namespace {

// Account row statuses (storage::Account::status).
constexpr const char* kNew = "new";                // key stored, newAccount not (yet) confirmed
constexpr const char* kValid = "valid";
constexpr const char* kRollover = "rollover";      // new key stored, keyChange not (yet) confirmed
constexpr const char* kReplaced = "replaced";      // key superseded by a rollover
constexpr const char* kDeactivated = "deactivated";

std::vector<std::string> normalized(const std::vector<std::string>& contact) {
    std::vector<std::string> out;
    for (const auto& c : contact)
        if (!c.empty()) out.push_back(normalize_contact(c));
    return out;
}

AccountInfo parse_account(const HttpResponse& r, const std::string& url) {
    json::Value v = json::parse_object(r.body);
    AccountInfo info;
    info.url = r.header("location").value_or(url);
    info.status = json::string_field(v, "status").value_or("");
    info.contact = json::string_array_field(v, "contact");
    info.orders = json::string_field(v, "orders").value_or("");
    return info;
}

std::string contact_payload(const std::vector<std::string>& contact) {
    json::Value payload = json::Value::object();
    payload[U("contact")] = json::string_array(contact);
    return json::serialize(payload);
}

}  // namespace

std::string normalize_contact(const std::string& contact) {
    if (contact.find(':') != std::string::npos) return contact;
    return "mailto:" + contact;
}

AccountService::AccountService(storage::Store& store, AcmeClient& client) : store_(store), client_(client) {}

std::optional<std::string> AccountService::find_existing(const AccountKey& key) {
    try {
        // RFC 8555 §7.3.1: onlyReturnExisting looks the key up without creating an account.
        HttpResponse r = client_.post_jwk(client_.directory().new_account, R"({"onlyReturnExisting":true})", key);
        auto location = r.header("location");
        if (!location || location->empty())
            throw AcmeError(Problem{"about:blank", "newAccount answered without a Location header", static_cast<int>(r.status), {}, {}},
                            "find account");
        return location;
    } catch (const AcmeError& e) {
        if (e.problem().is("accountDoesNotExist")) return std::nullopt;
        throw;
    }
}

// Sends newAccount for an account row whose key is already stored (status "new").
static storage::Account complete_registration(storage::Store& store, AcmeClient& client, storage::Account row,
                                              const RegisterOptions& options) {
    auto key = std::make_shared<const AccountKey>(AccountKey::from_pem(row.key_pem));
    const Directory& dir = client.directory();
    if (dir.external_account_required && !options.eab)
        throw AccountError("the CA at " + client.directory_url() +
                           " requires external account binding (give --eab-kid and --eab-hmac-key)");
    std::vector<std::string> contact = normalized(options.contact);
    json::Value payload = json::Value::object();
    if (!contact.empty()) payload[U("contact")] = json::string_array(contact);
    if (options.agree_tos) payload[U("termsOfServiceAgreed")] = json::Value::boolean(true);
    if (options.eab)
        payload[U("externalAccountBinding")] = json::parse(external_account_binding(*options.eab, *key, dir.new_account));
    HttpResponse r = client.post_jwk(dir.new_account, json::serialize(payload), *key);
    auto location = r.header("location");
    if (!location || location->empty())
        throw AcmeError(Problem{"about:blank", "newAccount answered without a Location header", static_cast<int>(r.status), {}, {}},
                        "register account");
    AccountInfo info = parse_account(r, *location);
    row.url = *location;
    row.status = info.status.empty() ? kValid : info.status;
    if (!info.contact.empty() || !contact.empty()) row.contact = storage::encode_contact(info.contact.empty() ? contact : info.contact);
    store.update_account(row);
    client.set_account(key, row.url);
    return row;
}

storage::Account AccountService::register_account(const RegisterOptions& options) {
    // Refuse early (before a key exists) when the CA insists on EAB.
    if (client_.directory().external_account_required && !options.eab)
        throw AccountError("the CA at " + client_.directory_url() +
                           " requires external account binding (give --eab-kid and --eab-hmac-key)");
    AccountKey key = AccountKey::generate(options.key_alg);
    storage::Account row;
    row.server = client_.directory_url();
    row.key_type = key.alg_name();
    row.key_pem = key.to_pem();
    row.contact = storage::encode_contact(normalized(options.contact));
    row.status = kNew;
    row.created = storage::unix_now();
    // Stored BEFORE the CA sees the key: a crash now leaves a resumable row, never a lost key.
    row.id = store_.insert_account(row);
    return complete_registration(store_, client_, row, options);
}

void AccountService::use(const storage::Account& account) {
    if (account.url.empty() || account.status != kValid)
        throw AccountError("account " + std::to_string(account.id) + " is not registered (status " + account.status + ")");
    client_.set_account(std::make_shared<const AccountKey>(AccountKey::from_pem(account.key_pem)), account.url);
}

AccountInfo AccountService::fetch(const storage::Account& account) {
    use(account);
    return parse_account(client_.post_as_get(account.url), account.url);
}

storage::Account AccountService::update_contact(const storage::Account& account, const std::vector<std::string>& contact) {
    use(account);
    std::vector<std::string> wanted = normalized(contact);
    // RFC 8555 §7.3.2: POST the fields to change to the account URL.
    AccountInfo info = parse_account(client_.post(account.url, contact_payload(wanted)), account.url);
    storage::Account updated = account;
    updated.contact = storage::encode_contact(info.contact.empty() ? wanted : info.contact);
    store_.update_account(updated);
    return updated;
}

storage::Account AccountService::rollover(const storage::Account& account, KeyAlg new_alg) {
    use(account);
    const std::string key_change_url = client_.directory().key_change;
    if (key_change_url.empty()) throw AccountError("the CA does not support key rollover (no keyChange URL)");
    auto old_key = client_.account_key_ptr();
    auto new_key = std::make_shared<const AccountKey>(AccountKey::generate(new_alg));

    // The new key is persisted first, as its own row, so it is never lost
    // even when the CA switches keys and we crash before hearing about it.
    storage::Account fresh = account;
    fresh.id = 0;
    fresh.key_type = new_key->alg_name();
    fresh.key_pem = new_key->to_pem();
    fresh.status = kRollover;
    fresh.created = storage::unix_now();
    fresh.id = store_.insert_account(fresh);

    // RFC 8555 §7.3.5: inner JWS by the new key, outer JWS by the old key (kid).
    std::string inner = key_change_inner_jws(*new_key, *old_key, account.url, key_change_url);
    try {
        client_.post(key_change_url, inner);
    } catch (const AcmeError&) {
        fresh.status = kDeactivated;  // the CA refused: this key never became the account's
        store_.update_account(fresh);
        throw;
    }
    // (An HttpError leaves the row in "rollover"; ensure_account resolves it.)
    fresh.status = kValid;
    store_.update_account(fresh);
    storage::Account old = account;
    old.status = kReplaced;
    store_.update_account(old);
    client_.set_account(new_key, account.url);
    return fresh;
}

storage::Account AccountService::deactivate(const storage::Account& account) {
    use(account);
    // RFC 8555 §7.3.6
    AccountInfo info = parse_account(client_.post(account.url, R"({"status":"deactivated"})"), account.url);
    storage::Account updated = account;
    updated.status = info.status.empty() ? kDeactivated : info.status;
    store_.update_account(updated);
    return updated;
}

storage::Account ensure_account(storage::Store& store, AcmeClient& client, const RegisterOptions& options) {
    AccountService service(store, client);
    // Bounded: each pass settles at least one interrupted row.
    for (int pass = 0; pass < 8; ++pass) {
        auto row = store.find_account(client.directory_url());
        if (!row) return service.register_account(options);
        if (row->status == kValid) {
            service.use(*row);
            return *row;
        }
        auto key = AccountKey::from_pem(row->key_pem);
        auto url = service.find_existing(key);
        if (row->status == kNew) {
            // An interrupted registration: adopt the account if the CA knows the key, else finish it.
            if (!url) return complete_registration(store, client, *row, options);
            row->url = *url;
            row->status = kValid;
            store.update_account(*row);
            service.use(*row);
            return *row;
        }
        if (row->status == kRollover) {
            if (url && *url == row->url) {
                // The CA switched keys before we heard back: finish the rollover.
                for (auto other : store.list_accounts())
                    if (other.id != row->id && other.server == row->server && other.url == row->url && other.status == kValid) {
                        other.status = kReplaced;
                        store.update_account(other);
                    }
                row->status = kValid;
            } else {
                row->status = kDeactivated;  // never became the account's key
            }
            store.update_account(*row);
            continue;
        }
        // Any other status (e.g. "revoked" from the CA) is not usable: register anew.
        return service.register_account(options);
    }
    throw AccountError("cannot settle the stored accounts for " + client.directory_url());
}

}  // namespace certa::acme
