// put_certificate is atomic: refused inputs write nothing; replaces marks the
// old row in the same transaction; the name index answers lookups.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

using namespace certa::storage;
using certa::test::input_for;
using certa::test::StoreBackend;

namespace {

StoreError::Kind put_error(Store& store, const CertificateInput& input) {
    try {
        store.put_certificate(input);
    } catch (const StoreError& e) {
        return e.kind();
    }
    FAIL("put_certificate accepted a bad input");
    return StoreError::Kind::Io;
}

}  // namespace

TEST_CASE("a mismatched key is refused and nothing is written") {
    StoreBackend backend;
    auto store = backend.open();
    auto cert = certa::test::make_self_signed({"mismatch.example"});
    auto other = certa::test::make_self_signed({"mismatch.example"});
    auto input = input_for(cert);
    input.key_pem = other.key_pem;
    try {
        store->put_certificate(input);
        FAIL("accepted a key that does not match");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::Invalid);
        CHECK(std::string(e.what()) == "certificate does not match its private key");
        CHECK(std::string(e.what()).find("PRIVATE KEY") == std::string::npos);
    }
    CHECK(store->current_generation() == 0);
    CHECK(store->list_certificates({true, ""}).empty());
    CHECK_FALSE(store->find_active_certificate("mismatch.example"));
}

TEST_CASE("garbage chains, bad keys, unknown replaces and unknown accounts are refused atomically") {
    StoreBackend backend;
    auto store = backend.open();
    auto cert = certa::test::make_self_signed({"bad.example"});
    auto input = input_for(cert);

    auto garbage = input;
    garbage.chain_pem = "garbage";
    CHECK(put_error(*store, garbage) == StoreError::Kind::Invalid);
    auto no_key = input;
    no_key.key_pem = "nope";
    CHECK(put_error(*store, no_key) == StoreError::Kind::Invalid);
    auto bad_replaces = input;
    bad_replaces.replaces = 999;
    CHECK(put_error(*store, bad_replaces) == StoreError::Kind::NotFound);
    auto bad_account = input;
    bad_account.account_id = 42;
    CHECK(put_error(*store, bad_account) == StoreError::Kind::Invalid);

    CHECK(store->current_generation() == 0);
    CHECK(store->list_certificates({true, ""}).empty());
    CHECK_FALSE(store->find_active_certificate("bad.example"));
}

TEST_CASE("the stored row carries the parsed fields and the names index") {
    StoreBackend backend;
    auto store = backend.open();
    auto ca = certa::test::make_ca();
    auto cert = certa::test::make_issued({"Shop.Example.COM", "*.example.com", "198.51.100.4"}, "rsa2048", ca);
    auto input = input_for(cert, "rsa2048");
    input.profile = "shortlived";
    input.settings_json = R"({"challenge":"http-01"})";
    std::int64_t id = store->put_certificate(input);

    auto record = store->get_certificate(id);
    REQUIRE(record);
    CHECK(record->names == std::vector<std::string>{"shop.example.com", "*.example.com", "198.51.100.4"});
    CHECK(record->key_type == "rsa2048");
    CHECK(record->key_pem == cert.key_pem);
    CHECK(record->chain_pem == cert.chain_pem);
    CHECK(record->profile == "shortlived");
    CHECK(record->settings_json == input.settings_json);
    CHECK(record->status == CertificateStatus::Active);
    CHECK(record->not_after > record->not_before);
    CHECK_FALSE(record->serial_hex.empty());
    CHECK(record->aki_hex.size() == 40);
    CHECK(record->ari_cert_id.find('.') != std::string::npos);
    CHECK(record->generation == store->current_generation());

    for (const char* name : {"shop.example.com", "SHOP.example.com", "*.example.com", "198.51.100.4"}) {
        auto found = store->find_active_certificate(name);
        REQUIRE(found);
        CHECK(found->id == id);
    }
    CHECK_FALSE(store->find_active_certificate("example.com"));
    CHECK_FALSE(store->find_active_certificate("other.example.com"));
    CHECK(store->list_certificates({false, "*.example.com"}).size() == 1);
    CHECK(store->list_certificates({false, "nothing.example"}).empty());
}

TEST_CASE("explicit names override the SAN and are stored lowercase, once each") {
    StoreBackend backend;
    auto store = backend.open();
    auto cert = certa::test::make_self_signed({"a.example", "b.example"});
    auto input = input_for(cert);
    input.names = {"B.example", "a.example", "b.EXAMPLE"};
    auto record = store->get_certificate(store->put_certificate(input));
    REQUIRE(record);
    CHECK(record->names == std::vector<std::string>{"b.example", "a.example"});
}

// sqlite-only until the PostgreSQL backend calls validate_certificate too.
TEST_CASE("a name the certificate does not cover is refused and nothing is written" *
          doctest::test_suite("sqlite-only")) {
    StoreBackend backend;
    auto store = backend.open();
    auto input = input_for(certa::test::make_self_signed({"covered.example", "*.wild.example"}));
    for (const char* name : {"other.example", "sub.covered.example", "x.wild.example"}) {
        CAPTURE(name);
        auto bad = input;
        bad.names = {"covered.example", name};
        CHECK(put_error(*store, bad) == StoreError::Kind::Invalid);
    }
    CHECK(store->current_generation() == 0);
    CHECK(store->list_certificates({true, ""}).empty());
}

TEST_CASE("IP identifiers are stored and looked up in canonical form" * doctest::test_suite("sqlite-only")) {
    StoreBackend backend;
    auto store = backend.open();
    auto input = input_for(certa::test::make_self_signed({"2001:db8::1", "192.0.2.10"}));
    input.names = {"2001:DB8:0:0::1", "192.0.2.10"};
    std::int64_t id = store->put_certificate(input);
    auto record = store->get_certificate(id);
    REQUIRE(record);
    CHECK(record->names == std::vector<std::string>{"2001:db8::1", "192.0.2.10"});
    for (const char* form : {"2001:db8::1", "2001:0DB8:0000::0001", "2001:db8:0:0:0:0:0:1"}) {
        CAPTURE(form);
        auto found = store->find_active_certificate(form);
        REQUIRE(found);
        CHECK(found->id == id);
    }
}

TEST_CASE("replaces marks the old row replaced in the same put") {
    StoreBackend backend;
    auto store = backend.open();
    std::int64_t old_id = store->put_certificate(input_for(certa::test::make_self_signed({"renew.example"})));
    auto input = input_for(certa::test::make_self_signed({"renew.example"}));
    input.replaces = old_id;
    std::int64_t new_id = store->put_certificate(input);

    auto old_row = store->get_certificate(old_id);
    auto new_row = store->get_certificate(new_id);
    REQUIRE(old_row);
    REQUIRE(new_row);
    CHECK(old_row->status == CertificateStatus::Replaced);
    CHECK(old_row->replaced_by == new_id);
    CHECK(old_row->generation == new_row->generation);
    CHECK(new_row->status == CertificateStatus::Active);
    CHECK(store->find_active_certificate("renew.example")->id == new_id);
    CHECK(store->list_certificates({false, "renew.example"}).size() == 1);
    CHECK(store->list_certificates({true, "renew.example"}).size() == 2);

    // Replacing an already replaced row would leave two active rows: refused.
    auto again = input_for(certa::test::make_self_signed({"renew.example"}));
    again.replaces = old_id;
    CHECK(put_error(*store, again) == StoreError::Kind::Invalid);
    CHECK(store->list_certificates({true, "renew.example"}).size() == 2);
}

TEST_CASE("status changes and renewal state are stored and bump the generation") {
    StoreBackend backend;
    auto store = backend.open();
    std::int64_t id = store->put_certificate(input_for(certa::test::make_self_signed({"state.example"})));
    std::int64_t g = store->current_generation();

    RenewalState state{100, 200, 150, 180, 190, 3, "rateLimited", "rateLimited"};
    store->update_renewal_state(id, state);
    auto record = store->get_certificate(id);
    CHECK(record->ari_window_start == 100);
    CHECK(record->ari_window_end == 200);
    CHECK(record->ari_next_check == 150);
    CHECK(record->renew_at == 180);
    CHECK(record->next_attempt == 190);
    CHECK(record->failures == 3);
    CHECK(record->last_error == "rateLimited");
    CHECK(record->last_error_class == "rateLimited");
    CHECK(store->current_generation() == g + 1);

    store->set_certificate_status(id, CertificateStatus::Revoked);
    CHECK(store->get_certificate(id)->status == CertificateStatus::Revoked);
    CHECK_FALSE(store->find_active_certificate("state.example"));
    store->update_settings(id, "{}");
    CHECK(store->get_certificate(id)->settings_json == "{}");
    CHECK(store->current_generation() == g + 3);

    CHECK_THROWS_AS(store->set_certificate_status(777, CertificateStatus::Revoked), StoreError);
    CHECK_THROWS_AS(store->update_renewal_state(777, state), StoreError);
    CHECK(store->current_generation() == g + 3);
}

TEST_CASE("update_renewal_states writes a batch with one generation; unknown ids are skipped") {
    StoreBackend backend;
    auto store = backend.open();
    std::int64_t a = store->put_certificate(input_for(certa::test::make_self_signed({"batch-a.example"})));
    std::int64_t b = store->put_certificate(input_for(certa::test::make_self_signed({"batch-b.example"})));
    std::int64_t g = store->current_generation();

    store->update_renewal_states({});
    CHECK(store->current_generation() == g);

    // Quotes, backslashes, commas and braces survive the PostgreSQL array path.
    const std::string odd = "say \"no\", {twice} \\ done";
    store->update_renewal_states({{a, RenewalState{1, 2, 3, 4, 5, 6, odd, "other"}},
                                  {777, RenewalState{9, 9, 9, 9, 9, 9, "none", "none"}},
                                  {b, RenewalState{10, 20, 30, 40, 50, 0, "", ""}}});
    CHECK(store->current_generation() == g + 1);
    auto ra = store->get_certificate(a);
    auto rb = store->get_certificate(b);
    REQUIRE(ra);
    REQUIRE(rb);
    CHECK(ra->ari_window_start == 1);
    CHECK(ra->ari_window_end == 2);
    CHECK(ra->ari_next_check == 3);
    CHECK(ra->renew_at == 4);
    CHECK(ra->next_attempt == 5);
    CHECK(ra->failures == 6);
    CHECK(ra->last_error == odd);
    CHECK(ra->last_error_class == "other");
    CHECK(ra->generation == g + 1);
    CHECK(rb->renew_at == 40);
    CHECK(rb->ari_next_check == 30);
    CHECK(rb->last_error.empty());
    CHECK(rb->last_error_class.empty());
    CHECK(rb->generation == g + 1);
    CHECK_FALSE(store->get_certificate(777));
}

TEST_CASE("put_certificates stores a batch in one transaction, or nothing when one input is bad") {
    StoreBackend backend;
    auto store = backend.open();
    const std::vector<std::string> names = {"one.example", "two.example", "three.example"};
    std::vector<CertificateInput> batch;
    for (const auto& name : names) batch.push_back(input_for(certa::test::make_self_signed({name})));

    SUBCASE("a bad input anywhere refuses the whole batch") {
        auto bad_chain = batch;
        bad_chain[2].chain_pem = "garbage";  // refused by validation, before the transaction
        auto bad_replaces = batch;
        bad_replaces[1].replaces = 999;  // refused inside the transaction, after row one was inserted
        for (const auto* bad : {&bad_chain, &bad_replaces}) {
            try {
                store->put_certificates(*bad);
                FAIL("put_certificates accepted a bad batch");
            } catch (const StoreError& e) {
                CHECK((e.kind() == StoreError::Kind::Invalid || e.kind() == StoreError::Kind::NotFound));
            }
        }
        CHECK(store->current_generation() == 0);
        CHECK(store->list_certificates({true, ""}).empty());
        CHECK_FALSE(store->find_active_certificate("one.example"));
    }
    SUBCASE("a good batch is stored in input order under one generation") {
        auto ids = store->put_certificates(batch);
        REQUIRE(ids.size() == 3);
        CHECK(ids[0] < ids[1]);
        CHECK(ids[1] < ids[2]);
        CHECK(store->current_generation() == 1);
        auto rows = store->list_certificates({true, ""});
        REQUIRE(rows.size() == 3);
        for (size_t i = 0; i < 3; ++i) {
            CHECK(rows[i].id == ids[i]);
            CHECK(rows[i].names == std::vector<std::string>{names[i]});
            CHECK(rows[i].chain_pem == batch[i].chain_pem);
        }
        auto found = store->find_active_certificate("two.example");
        REQUIRE(found);
        CHECK(found->id == ids[1]);
        CHECK(store->put_certificates({}).empty());
        CHECK(store->current_generation() == 1);
    }
}
