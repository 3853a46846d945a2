// Store::import_batch (`certa import`): accounts and certificates in ONE
// transaction under one generation, each certificate with an "imported"
// event; any failure, before or inside the transaction, stores nothing.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>

using namespace certa::storage;
using namespace certa::test;

namespace {

Account account_row(const std::string& url) {
    Account a;
    a.server = "https://ca.example/dir";
    a.key_type = "ES256";
    a.key_pem = make_self_signed({"key.example"}).key_pem;
    a.url = url;
    a.status = "valid";
    a.created = 1700000000;
    return a;
}

ImportCertificate imported(const TestCert& cert, int account_index) {
    ImportCertificate c;
    c.input = input_for(cert);
    c.account_index = account_index;
    c.event_detail = "from test";
    return c;
}

}  // namespace

TEST_CASE("import_batch stores accounts and certificates together, or nothing") {
    StoreBackend backend;
    auto store = backend.open();
    ImportBatch batch;
    batch.accounts = {account_row("https://ca.example/acct/1"), account_row("https://ca.example/acct/2")};
    batch.certificates = {imported(make_self_signed({"one.example"}), 1), imported(make_self_signed({"two.example"}), -1)};

    SUBCASE("a good batch: ids in order, certificates linked, one generation, imported events") {
        const ImportIds ids = store->import_batch(batch);
        REQUIRE(ids.accounts.size() == 2);
        REQUIRE(ids.certificates.size() == 2);
        CHECK(store->current_generation() == 1);
        const auto accounts = store->list_accounts();
        REQUIRE(accounts.size() == 2);
        CHECK(accounts[0].url == "https://ca.example/acct/1");
        CHECK(accounts[0].created == 1700000000);
        CHECK(accounts[1].status == "valid");
        const auto one = store->get_certificate(ids.certificates[0]);
        REQUIRE(one);
        CHECK(one->account_id == ids.accounts[1]);
        CHECK(store->get_certificate(ids.certificates[1])->account_id == 0);
        const auto events = store->list_events(ids.certificates[0], 10);
        REQUIRE(events.size() == 1);
        CHECK(events[0].kind == "imported");
        CHECK(events[0].detail == "from test");
        CHECK(store->import_batch({}).accounts.empty());
        CHECK(store->current_generation() == 1);
    }
    SUBCASE("a bad chain (refused before the transaction) or an unknown account (inside it): nothing stored") {
        auto bad_chain = batch;
        bad_chain.certificates[1].input.chain_pem = "garbage";
        auto bad_account = batch;
        bad_account.certificates[1].input.account_id = 999;  // fails after both accounts were inserted
        auto bad_index = batch;
        bad_index.certificates[0].account_index = 2;
        for (const auto* bad : {&bad_chain, &bad_account, &bad_index}) {
            try {
                store->import_batch(*bad);
                FAIL("import_batch accepted a bad batch");
            } catch (const StoreError& e) {
                CHECK(e.kind() == StoreError::Kind::Invalid);
            }
        }
        CHECK(store->current_generation() == 0);
        CHECK(store->list_accounts().empty());
        CHECK(store->list_certificates({true, ""}).empty());
        CHECK(store->list_events(0, 0).empty());
    }
}
