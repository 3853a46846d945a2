// Schema migrations: a fresh store gets the latest version and certa's
// application_id; reopening changes nothing; a v1-only store migrates forward
// with its rows intact.
#include "StoreFixtures.hpp"
#include "TempDir.hpp"
#include "storage/sqlite/SqliteSchema.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/sqlite/SqliteStatement.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

using namespace certa::storage;
using certa::test::TempDir;

namespace {

std::int64_t pragma(const std::string& path, const char* sql) {
    SqliteConnection db(path, true, 1000);
    SqliteStatement stmt(db, sql);
    REQUIRE(stmt.step());
    return stmt.int64(0);
}

}  // namespace

TEST_CASE("a fresh store is created at the latest schema version") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    {
        auto store = open_store(path);
        CHECK(store->schema_version() == kLatestSchemaVersion);
        CHECK(store->integrity_check() == "ok");
        CHECK(store->current_generation() == 0);
        CHECK(store->location() == path);
    }
    CHECK(pragma(path, "PRAGMA user_version") == kLatestSchemaVersion);
    CHECK(pragma(path, "PRAGMA application_id") == kCertaApplicationId);
    CHECK(pragma(path, "PRAGMA journal_mode") == 0);  // text "wal" reads as integer 0
}

TEST_CASE("the store runs in WAL mode") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    open_store(path);
    SqliteConnection db(path, true, 1000);
    SqliteStatement stmt(db, "PRAGMA journal_mode");
    REQUIRE(stmt.step());
    CHECK(stmt.text(0) == "wal");
}

TEST_CASE("reopening a current store is idempotent") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    auto cert = certa::test::make_self_signed({"reopen.example"});
    std::int64_t id = 0;
    std::int64_t generation = 0;
    {
        auto store = open_store(path);
        id = store->put_certificate(certa::test::input_for(cert));
        generation = store->current_generation();
    }
    std::int64_t objects = pragma(path, "SELECT count(*) FROM sqlite_schema");
    for (int i = 0; i < 3; ++i) {
        auto store = open_store(path);
        CHECK(store->schema_version() == kLatestSchemaVersion);
        CHECK(store->current_generation() == generation);
        auto record = store->get_certificate(id);
        REQUIRE(record);
        CHECK(record->chain_pem == cert.chain_pem);
    }
    CHECK(pragma(path, "SELECT count(*) FROM sqlite_schema") == objects);
}

TEST_CASE("a v1-only store migrates forward and keeps its rows") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    // Build a store that stopped at version 1 (before renewal columns and events).
    certa::test::write_file(path, "");
    {
        SqliteConnection db(path, false, 1000);
        migrate_schema(db, 1);
        db.exec("INSERT INTO accounts(server, key_type, key_pem, status, created)"
                " VALUES ('https://ca.test/dir', 'ES256', 'k', 'valid', 10)");
        db.exec("INSERT INTO certificates(key_type, key_pem, chain_pem, not_before, not_after, serial_hex, status,"
                " generation, created, updated) VALUES ('ec256', 'k', 'c', 1, 2, '01', 'active', 1, 3, 3)");
        db.exec("INSERT INTO certificate_names(certificate_id, position, name) VALUES (1, 0, 'old.example')");
        db.exec("UPDATE meta SET value = 1 WHERE key = 'generation'");
    }
    CHECK(pragma(path, "PRAGMA user_version") == 1);
    CHECK(pragma(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'events'") == 0);

    auto store = open_store(path);
    CHECK(store->schema_version() == kLatestSchemaVersion);
    CHECK(store->integrity_check() == "ok");
    auto record = store->find_active_certificate("old.example");
    REQUIRE(record);
    CHECK(record->id == 1);
    CHECK(record->names == std::vector<std::string>{"old.example"});
    CHECK(record->failures == 0);
    CHECK(record->renew_at == 0);
    CHECK(store->current_generation() == 1);
    auto account = store->find_account("https://ca.test/dir");
    REQUIRE(account);
    CHECK(account->status == "valid");
    // The v2 parts work on the migrated store.
    store->add_event("migrated", 1, "v1 to v2");
    CHECK(store->list_events(1, 10).size() == 1);
    RenewalState state;
    state.failures = 2;
    store->update_renewal_state(1, state);
    CHECK(store->get_certificate(1)->failures == 2);
}

TEST_CASE("migrating twice is a no-op") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    certa::test::write_file(path, "");
    SqliteConnection db(path, false, 1000);
    migrate_schema(db);
    migrate_schema(db);
    CHECK(read_schema_version(db) == kLatestSchemaVersion);
    SqliteStatement stmt(db, "SELECT count(*) FROM meta");
    REQUIRE(stmt.step());
    CHECK(stmt.int64(0) == 2);
}

TEST_CASE("version 6 moves deploy_pending out of settings_json into its column") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    certa::test::write_file(path, "");
    {
        SqliteConnection db(path, false, 1000);
        migrate_schema(db, 5);
        const char* insert = "INSERT INTO certificates(key_type, key_pem, chain_pem, not_before, not_after, serial_hex,"
                             " status, generation, created, updated, settings_json) VALUES ('ec256', 'k', 'c', 1, 2,"
                             " '01', 'active', 1, 3, 3, ";
        db.exec((std::string(insert) + R"('{"deploy_pending":true,"hook":"x"}'))").c_str());
        db.exec((std::string(insert) + R"('{"deploy_pending":false}'))").c_str());
        db.exec((std::string(insert) + "'')").c_str());
        db.exec((std::string(insert) + "'not json {')").c_str());
    }
    auto store = open_store(path);
    CHECK(store->schema_version() == 6);
    auto moved = store->get_certificate(1);
    CHECK(moved->deploy_pending);
    CHECK(moved->settings_json == R"({"hook":"x"})");
    CHECK_FALSE(store->get_certificate(2)->deploy_pending);
    CHECK(store->get_certificate(2)->settings_json == R"({"deploy_pending":false})");
    CHECK_FALSE(store->get_certificate(3)->deploy_pending);
    CHECK(store->get_certificate(3)->settings_json.empty());
    CHECK(store->get_certificate(4)->settings_json == "not json {");
}
