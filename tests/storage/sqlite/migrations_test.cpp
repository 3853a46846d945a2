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
    CHECK(store->schema_version() == kLatestSchemaVersion);
    auto moved = store->get_certificate(1);
    CHECK(moved->deploy_pending);
    CHECK(moved->settings_json == R"({"hook":"x"})");
    CHECK_FALSE(store->get_certificate(2)->deploy_pending);
    CHECK(store->get_certificate(2)->settings_json == R"({"deploy_pending":false})");
    CHECK_FALSE(store->get_certificate(3)->deploy_pending);
    CHECK(store->get_certificate(3)->settings_json.empty());
    CHECK(store->get_certificate(4)->settings_json == "not json {");
}

TEST_CASE("version 9 adds last_error_class: a failure recorded before reads as other, a new one keeps its class") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    certa::test::write_file(path, "");
    {
        SqliteConnection db(path, false, 1000);
        migrate_schema(db, 8);
        db.exec(certa::test::kFailureBeforeV9);
    }
    CHECK(pragma(path, "SELECT count(*) FROM pragma_table_info('certificates') WHERE name = 'last_error_class'") == 0);
    auto store = open_store(path);
    CHECK(store->schema_version() == kLatestSchemaVersion);
    CHECK(pragma(path, "PRAGMA user_version") >= 9);
    CHECK(store->get_certificate(1)->last_error == "cannot reach CA at https://ca.test/dir: refused");
    const auto classes = certa::test::failure_class_after_v9(*store);
    CHECK(classes.old_class.empty());
    CHECK(classes.old_label == "other");  // the text is not parsed
    CHECK(classes.new_class == "network");
    CHECK(classes.new_label == "network");
}

namespace {

// Version 1 exactly as certa shipped it (before the schema was derived from
// storage/schema): a store created then must migrate to the fresh shape.
constexpr const char* kShippedVersion1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('generation', 0), ('lease_token', 0);

CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  server TEXT NOT NULL,
  key_type TEXT NOT NULL,
  key_pem TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
  contact TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX accounts_by_server ON accounts(server, id);

CREATE TABLE certificates(
  id INTEGER PRIMARY KEY,
  key_type TEXT NOT NULL,
  key_pem TEXT NOT NULL,
  chain_pem TEXT NOT NULL,
  server TEXT NOT NULL DEFAULT '',
  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  profile TEXT NOT NULL DEFAULT '',
  settings_json TEXT NOT NULL DEFAULT '',
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  serial_hex TEXT NOT NULL,
  aki_hex TEXT NOT NULL DEFAULT '',
  ari_cert_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'revoked')),
  replaced_by INTEGER REFERENCES certificates(id),
  generation INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);

CREATE TABLE certificate_names(
  certificate_id INTEGER NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (certificate_id, position),
  UNIQUE (certificate_id, name)
) WITHOUT ROWID;
CREATE INDEX certificate_names_by_name ON certificate_names(name, certificate_id);

CREATE TABLE challenges(
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('http-01', 'dns-01', 'tls-alpn-01')),
  identifier TEXT NOT NULL,
  token TEXT NOT NULL,
  key_authorization TEXT NOT NULL,
  cert_pem TEXT NOT NULL DEFAULT '',
  key_pem TEXT NOT NULL DEFAULT '',
  expires INTEGER NOT NULL
);
CREATE INDEX challenges_by_token ON challenges(token);
CREATE INDEX challenges_by_identifier ON challenges(identifier, type);

CREATE TABLE leases(
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  token INTEGER NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Every column (name, type, not null, default, pk), index and foreign key of
// every table, as SQLite reports them.
std::string schema_shape(const std::string& path) {
    SqliteConnection db(path, true, 1000);
    std::string out;
    SqliteStatement tables(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    while (tables.step()) {
        std::string table = tables.text(0);
        out += "table " + table + "\n";
        SqliteStatement columns(db, "SELECT name, type, \"notnull\", coalesce(dflt_value, 'NULL'), pk"
                                    " FROM pragma_table_info(?1) ORDER BY cid");
        columns.bind(1, table);
        while (columns.step())
            out += "  " + columns.text(0) + " " + columns.text(1) + " " + columns.text(2) + " " + columns.text(3) +
                   " " + columns.text(4) + "\n";
        SqliteStatement indexes(db, "SELECT l.name, l.\"unique\", group_concat(i.name, ',') FROM pragma_index_list(?1) l,"
                                    " pragma_index_info(l.name) i GROUP BY l.name ORDER BY l.name");
        indexes.bind(1, table);
        while (indexes.step())
            out += "  index " + indexes.text(0) + " " + indexes.text(1) + " " + indexes.text(2) + "\n";
        SqliteStatement keys(db, "SELECT \"from\", \"table\", coalesce(\"to\", ''), on_delete"
                                 " FROM pragma_foreign_key_list(?1) ORDER BY \"from\"");
        keys.bind(1, table);
        while (keys.step())
            out += "  fk " + keys.text(0) + " " + keys.text(1) + " " + keys.text(2) + " " + keys.text(3) + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("a store created by the shipped version 1 migrates to the same schema as a fresh store") {
    TempDir dir;
    std::string fresh = dir.file("fresh.db");
    std::string old = dir.file("old.db");
    open_store(fresh);
    certa::test::write_file(old, "");
    {
        SqliteConnection db(old, false, 1000);
        db.exec(kShippedVersion1);
        db.exec("PRAGMA user_version = 1");
        db.exec(("PRAGMA application_id = " + std::to_string(kCertaApplicationId)).c_str());
    }
    open_store(old);
    CHECK(pragma(old, "PRAGMA user_version") == kLatestSchemaVersion);
    std::string expected = schema_shape(fresh);
    CHECK(expected.find("deploy_pending INTEGER 1 false 0") != std::string::npos);
    CHECK(expected.find("last_error_class TEXT 1 '' 0") != std::string::npos);
    CHECK(schema_shape(old) == expected);
}

TEST_CASE("version 10 adds ocsp_responses: a store from version 9 keeps its certificates, all due for OCSP") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    certa::test::write_file(path, "");
    {
        SqliteConnection db(path, false, 1000);
        migrate_schema(db, 9);
        db.exec(certa::test::kFailureBeforeV9);
    }
    CHECK(pragma(path, "SELECT count(*) FROM sqlite_master WHERE name = 'ocsp_responses'") == 0);
    auto store = open_store(path);
    CHECK(store->schema_version() == kLatestSchemaVersion);
    CHECK(pragma(path, "PRAGMA user_version") == 10);
    CHECK(pragma(path, "SELECT count(*) FROM sqlite_master WHERE name = 'ocsp_responses'") == 1);
    CHECK(store->certificates_needing_ocsp(1, 0) == std::vector<std::int64_t>{1});
    REQUIRE(store->get_ocsp_response(1));
    CHECK(store->get_ocsp_response(1)->status.empty());
}
