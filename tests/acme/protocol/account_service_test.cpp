// AccountService against a real Pebble and a real SQLite store.
#include "PebbleHarness.hpp"
#include "TempDir.hpp"
#include "acme/protocol/AccountService.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/protocol/Jws.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::acme;
using certa::test::PebbleHarness;
using certa::test::PebbleOptions;
using certa::test::TempDir;

namespace {

const std::string kEabKid = "kid-1";
const std::string kEabKey = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

struct Fixture {
    explicit Fixture(PebbleOptions options = {})
        : pebble(std::move(options)),
          store(storage::open_store(dir.file("certa.db"))),
          client(pebble.directory_url(), http_options()) {}
    HttpOptions http_options() const {
        HttpOptions o;
        o.ca_bundle = pebble.ca_bundle_path();
        return o;
    }
    RegisterOptions register_options() const {
        RegisterOptions o;
        o.contact = {"admin@example.com"};
        o.agree_tos = true;
        return o;
    }
    TempDir dir;
    PebbleHarness pebble;
    std::unique_ptr<storage::Store> store;
    AcmeClient client;
};

int count_status(storage::Store& store, const std::string& status) {
    int n = 0;
    for (const auto& a : store.list_accounts()) n += a.status == status;
    return n;
}

}  // namespace

TEST_CASE("register stores the key, then the account URL; find and ensure reuse it") {
    Fixture f;
    AccountService service(*f.store, f.client);
    storage::Account account = service.register_account(f.register_options());
    CHECK(account.id > 0);
    CHECK(account.status == "valid");
    CHECK(account.url.find("https://127.0.0.1:") == 0);
    CHECK(account.key_type == "ES256");
    CHECK(account.contact == "mailto:admin@example.com");
    CHECK(account.server == f.pebble.directory_url());
    auto stored = f.store->get_account(account.id);
    REQUIRE(stored);
    CHECK(stored->status == "valid");
    CHECK(stored->url == account.url);
    CHECK(stored->key_pem == account.key_pem);
    CHECK(f.client.kid() == account.url);

    auto key = AccountKey::from_pem(account.key_pem);
    CHECK(service.find_existing(key) == std::optional<std::string>(account.url));
    CHECK_FALSE(service.find_existing(AccountKey::generate()));

    AccountInfo info = service.fetch(account);
    CHECK(info.status == "valid");
    CHECK(info.contact == std::vector<std::string>{"mailto:admin@example.com"});

    // A second client with the same store loads the account instead of registering again.
    AcmeClient other(f.pebble.directory_url(), f.http_options());
    storage::Account again = ensure_account(*f.store, other, f.register_options());
    CHECK(again.id == account.id);
    CHECK(other.kid() == account.url);
    CHECK(f.store->list_accounts().size() == 1);
}

TEST_CASE("each account key type registers") {
    Fixture f;
    for (KeyAlg alg : {KeyAlg::ES384, KeyAlg::RS256}) {
        RegisterOptions o = f.register_options();
        o.key_alg = alg;
        storage::Account a = AccountService(*f.store, f.client).register_account(o);
        CHECK(a.key_type == to_string(alg));
        CHECK(a.status == "valid");
        CHECK(f.client.post_as_get(a.url).status == 200);
    }
}

TEST_CASE("an interrupted registration (row 'new') is completed with the stored key") {
    Fixture f;
    AccountKey key = AccountKey::generate();
    storage::Account row;
    row.server = f.pebble.directory_url();
    row.key_type = "ES256";
    row.key_pem = key.to_pem();
    row.status = "new";
    row.id = f.store->insert_account(row);
    storage::Account a = ensure_account(*f.store, f.client, f.register_options());
    CHECK(a.id == row.id);
    CHECK(a.status == "valid");
    CHECK(a.key_pem == row.key_pem);
    CHECK(f.store->list_accounts().size() == 1);
}

TEST_CASE("EAB: required by the CA, accepted with the right key, refused without or with a wrong one") {
    PebbleOptions options;
    options.eab[kEabKid] = kEabKey;
    Fixture f(options);
    AccountService service(*f.store, f.client);

    RegisterOptions none = f.register_options();
    CHECK_THROWS_AS(service.register_account(none), AccountError);
    CHECK(f.store->list_accounts().empty());  // refused before a key was made

    RegisterOptions wrong = f.register_options();
    wrong.eab = EabCredentials{kEabKid, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
    try {
        service.register_account(wrong);
        FAIL("expected AcmeError");
    } catch (const AcmeError& e) {
        CHECK(e.problem().type.rfind("urn:ietf:params:acme:error:", 0) == 0);
        CHECK(std::string(e.what()).find("AAAAAAAA") == std::string::npos);  // no secret in the message
    }
    // The key was stored before newAccount was sent, and stays resumable.
    REQUIRE(f.store->list_accounts().size() == 1);
    CHECK(f.store->list_accounts()[0].status == "new");

    RegisterOptions good = f.register_options();
    good.eab = EabCredentials{kEabKid, kEabKey};
    storage::Account a = ensure_account(*f.store, f.client, good);
    CHECK(a.status == "valid");
    CHECK(f.client.post_as_get(a.url).status == 200);
}

TEST_CASE("contact update is applied at the CA and in the store") {
    Fixture f;
    AccountService service(*f.store, f.client);
    storage::Account a = service.register_account(f.register_options());
    storage::Account updated = service.update_contact(a, {"mailto:new@example.com", "ops@example.com"});
    CHECK(updated.contact == "mailto:new@example.com,mailto:ops@example.com");
    CHECK(f.store->get_account(a.id)->contact == updated.contact);
    CHECK(service.fetch(updated).contact == std::vector<std::string>{"mailto:new@example.com", "mailto:ops@example.com"});
}

TEST_CASE("key rollover: requests with the new key succeed, the old key is gone") {
    Fixture f;
    AccountService service(*f.store, f.client);
    storage::Account old_row = service.register_account(f.register_options());
    storage::Account new_row = service.rollover(old_row, KeyAlg::ES384);
    CHECK(new_row.id != old_row.id);
    CHECK(new_row.url == old_row.url);
    CHECK(new_row.status == "valid");
    CHECK(new_row.key_type == "ES384");
    CHECK(f.store->get_account(old_row.id)->status == "replaced");
    CHECK(count_status(*f.store, "valid") == 1);
    CHECK(f.client.account_key().alg() == KeyAlg::ES384);
    CHECK(f.client.post_as_get(new_row.url).status == 200);
    CHECK(service.find_existing(AccountKey::from_pem(new_row.key_pem)) == std::optional<std::string>(old_row.url));
    CHECK_FALSE(service.find_existing(AccountKey::from_pem(old_row.key_pem)));
    // A fresh client picks up the new key from the store.
    AcmeClient other(f.pebble.directory_url(), f.http_options());
    CHECK(ensure_account(*f.store, other, f.register_options()).id == new_row.id);
    CHECK(other.post_as_get(new_row.url).status == 200);
}

TEST_CASE("an interrupted rollover is settled from what the CA knows") {
    Fixture f;
    AccountService service(*f.store, f.client);
    storage::Account old_row = service.register_account(f.register_options());

    SUBCASE("keyChange never reached the CA: the pending row is discarded") {
        storage::Account pending = old_row;
        pending.key_pem = AccountKey::generate().to_pem();
        pending.status = "rollover";
        pending.id = f.store->insert_account(pending);
        storage::Account a = ensure_account(*f.store, f.client, f.register_options());
        CHECK(a.id == old_row.id);
        CHECK(f.store->get_account(pending.id)->status == "deactivated");
    }
    SUBCASE("keyChange succeeded but the answer was lost: the rollover is finished") {
        AccountKey new_key = AccountKey::generate();
        storage::Account pending = old_row;
        pending.key_pem = new_key.to_pem();
        pending.status = "rollover";
        pending.id = f.store->insert_account(pending);
        const std::string url = f.client.directory().key_change;
        f.client.post(url, key_change_inner_jws(new_key, f.client.account_key(), old_row.url, url));
        storage::Account a = ensure_account(*f.store, f.client, f.register_options());
        CHECK(a.id == pending.id);
        CHECK(a.status == "valid");
        CHECK(f.store->get_account(old_row.id)->status == "replaced");
        CHECK(f.client.post_as_get(a.url).status == 200);
    }
}

TEST_CASE("deactivate: the CA refuses the account afterwards") {
    Fixture f;
    AccountService service(*f.store, f.client);
    storage::Account a = service.register_account(f.register_options());
    storage::Account gone = service.deactivate(a);
    CHECK(gone.status == "deactivated");
    CHECK(f.store->get_account(a.id)->status == "deactivated");
    CHECK_FALSE(f.store->find_account(f.pebble.directory_url()));
    try {
        f.client.post_as_get(a.url);
        FAIL("expected AcmeError");
    } catch (const AcmeError& e) {
        CHECK(e.problem().is("unauthorized"));
    }
    CHECK_THROWS_AS(service.use(gone), AccountError);
}
