// PostgreSQL-only behaviour of the store: schema identity and refusals,
// password redaction, PGPASSFILE, NOTIFY-driven change detection, and a
// stalled lease holder that can never overwrite a newer certificate.
#include "PostgresHarness.hpp"
#include "StoreFixtures.hpp"
#include "Subprocess.hpp"
#include "storage/Store.hpp"
#include "storage/pg/ConnectionString.hpp"
#include "storage/pg/PgConnection.hpp"
#include "storage/pg/PgMigrations.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace certa::storage;
using certa::test::PostgresHarness;
namespace pg = certa::storage::pg;

namespace {

PostgresHarness& server() { return PostgresHarness::shared(); }

StoreError open_error(const std::string& url, const OpenOptions& options = {}) {
    try {
        open_store(url, options);
    } catch (const StoreError& e) {
        return e;
    }
    FAIL("open_store succeeded on " << url);
    return StoreError(StoreError::Kind::Io, "unreachable");
}

// Terminates every other session on admin's database and waits (bounded)
// until the server lists none: how many it terminated, and whether they went.
struct Terminated {
    std::int64_t count = 0;
    bool gone = false;
};
Terminated terminate_other_sessions(pg::PgConnection& admin) {
    const std::string others = " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
    Terminated t;
    t.count = admin.exec("SELECT count(pg_terminate_backend(pid))" + others).int64(0, 0);
    for (int i = 0; i < 500 && !t.gone; ++i) {
        t.gone = admin.exec("SELECT count(*)" + others).int64(0, 0) == 0;
        if (!t.gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return t;
}

}  // namespace

TEST_CASE("a failing row never reaches an error message (terse libpq errors)") {
    const std::string url = server().create_database();
    { auto store = open_store(url); }
    pg::PgConnection raw(url);
    const std::string secret = "-----BEGIN PRIVATE KEY-----secret-key-material";
    try {
        raw.query("INSERT INTO certificates(key_type, key_pem, chain_pem, not_before, not_after, serial_hex, status,"
                  " generation, created, updated) VALUES ('ec256', $1, 'c', 1, 2, '01', 'bogus', 1, 3, 3)",
                  secret);
        FAIL("the CHECK constraint on status did not fire");
    } catch (const StoreError& e) {
        const std::string message = e.what();
        CHECK(message.find("check constraint") != std::string::npos);
        CHECK(message.find("secret-key-material") == std::string::npos);
        CHECK(message.find("Failing row") == std::string::npos);
    }
}

TEST_CASE("a postgresql:// URL opens a migrated PostgreSQL store") {
    std::string url = server().create_database();
    auto store = open_store(url);
    CHECK(store->schema_version() == pg::kPgLatestSchemaVersion);
    CHECK(store->integrity_check() == "ok");
    CHECK(store->location() == url);
    std::int64_t id = store->put_certificate(certa::test::input_for(certa::test::make_self_signed({"pg.example"})));
    auto again = open_store(url);  // a second opener finds it current
    auto found = again->find_active_certificate("PG.example");
    REQUIRE(found);
    CHECK(found->id == id);
    // postgres:// is accepted too.
    std::string alias = "postgres://" + url.substr(std::string("postgresql://").size());
    CHECK(open_store(alias)->get_certificate(id));
}

TEST_CASE("a newer schema and a foreign database are refused with the SQLite error kinds") {
    std::string newer = server().create_database();
    open_store(newer);
    {
        pg::PgConnection raw(newer);
        raw.exec("UPDATE certa_schema SET version = 99");
    }
    auto error = open_error(newer);
    CHECK(error.kind() == StoreError::Kind::NewerSchema);
    CHECK(std::string(error.what()).find("99") != std::string::npos);

    std::string foreign = server().create_database();
    {
        pg::PgConnection raw(foreign);
        raw.exec("CREATE TABLE invoices(id integer)");
    }
    CHECK(open_error(foreign).kind() == StoreError::Kind::NotAStore);
    pg::PgConnection check(foreign);
    CHECK(check.exec("SELECT 1 FROM pg_tables WHERE tablename = 'meta'").empty());  // nothing was written

    std::string empty = server().create_database();
    OpenOptions no_create;
    no_create.create = false;
    CHECK(open_error(empty, no_create).kind() == StoreError::Kind::Io);
}

TEST_CASE("redact removes passwords in URL, key/value and query forms") {
    CHECK(pg::redact("postgresql://alice:s3cret@db:5432/certa") == "postgresql://alice:***@db:5432/certa");
    CHECK(pg::redact("host=db password=s3cret user=alice") == "host=db password=*** user=alice");
    CHECK(pg::redact("host=db password = 'it\\'s secret' user=a") == "host=db password = *** user=a");
    CHECK(pg::redact("postgres://db/certa?user=a&password=s3cret&sslmode=require") ==
          "postgres://db/certa?user=a&password=***&sslmode=require");
    CHECK(pg::redact("PASSWORD=s3cret") == "PASSWORD=***");
    // A password libpq echoes bare is caught through the connection string.
    CHECK(pg::redact("bad value \"hunter2x\"", "postgresql://u:hunter2x@h/d") == "bad value \"***\"");
    CHECK(pg::redact("bad value \"p@ss\"", "postgresql://u:p%40ss@h/d") == "bad value \"***\"");
    CHECK(pg::redact("nothing secret here") == "nothing secret here");
    CHECK(pg::is_postgres_url("PostgreSQL://h/d"));
    CHECK_FALSE(pg::is_postgres_url("/var/lib/certa/certa.db"));
}

TEST_CASE("connection failures never carry the password") {
    std::string secret = "Wr0ng-Secret-Value";
    std::string url = "postgresql://certa:" + secret + "@127.0.0.1:" + std::to_string(server().port()) + "/postgres";
    auto error = open_error(url);
    CHECK(error.kind() == StoreError::Kind::Io);
    std::string message = error.what();
    CHECK(message.find("password authentication failed") != std::string::npos);
    CHECK(message.find(secret) == std::string::npos);
    CHECK(message.find("certa:***@") != std::string::npos);

    // A malformed key/value string: libpq's parse error quotes the input.
    auto bad = open_error("postgresql://certa:" + secret + "@127.0.0.1:notaport/postgres");
    CHECK(std::string(bad.what()).find(secret) == std::string::npos);

    // The right password inline works, and location() hides it.
    std::string database = server().create_database();
    auto store = open_store(server().url_with_password(database.substr(database.rfind('/') + 1)));
    CHECK(store->location().find(server().password()) == std::string::npos);
    CHECK(store->location().find(":***@") != std::string::npos);
}

TEST_CASE("PGPASSFILE supplies the password for URLs without one (certa subprocess)") {
    std::string url = server().create_database();
    certa::test::RunOptions with_file;
    with_file.env["PGPASSFILE"] = server().passfile();
    auto ok = certa::test::run_certa({"store", "check", "--store", url}, with_file);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("schema version: " + std::to_string(pg::kPgLatestSchemaVersion)) != std::string::npos);

    certa::test::RunOptions without;
    without.env["PGPASSFILE"] = "/nonexistent/pgpass";
    auto refused = certa::test::run_certa({"store", "check", "--store", url}, without);
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("password") != std::string::npos);
    CHECK(refused.err.find(server().password()) == std::string::npos);
}

TEST_CASE("NOTIFY tells a reader about commits; without it the cached generation holds until the poll interval") {
    std::string url = server().create_database();
    OpenOptions slow;
    slow.change_poll_ms = 600000;  // polling never kicks in during the test
    auto reader = open_store(url, slow);
    auto writer = open_store(url);
    std::int64_t g0 = reader->current_generation();

    // A bump that bypasses certa (no NOTIFY) is not seen: nothing was read.
    pg::PgConnection raw(url);
    raw.exec("UPDATE meta SET value = value + 10 WHERE key = 'generation'");
    CHECK(reader->current_generation() == g0);

    // A certa write notifies: the reader re-reads (bounded wait for delivery).
    writer->put_certificate(certa::test::input_for(certa::test::make_self_signed({"notify.example"})));
    std::int64_t seen = g0;
    for (int i = 0; i < 500 && seen == g0; ++i) {
        seen = reader->current_generation();
        if (seen == g0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(seen == g0 + 11);
    CHECK(reader->certificates_changed_since(g0).size() == 1);
}

TEST_CASE("a stalled holder whose lease expired cannot overwrite the newer certificate") {
    std::string url = server().create_database();
    ManualClock clock(unix_now());
    OpenOptions options;
    options.clock = &clock;
    auto stalled = open_store(url, options);
    auto fresh = open_store(url, options);
    auto old_grant = stalled->acquire_lease("stall.example", "host-a", 1);
    REQUIRE(old_grant.acquired);
    clock.advance(2);  // host-a stalls past its TTL

    auto new_grant = fresh->acquire_lease("stall.example", "host-b", 60);
    REQUIRE(new_grant.acquired);
    CHECK(new_grant.token > old_grant.token);
    auto newer = certa::test::input_for(certa::test::make_self_signed({"stall.example"}));
    newer.fence = LeaseFence{"stall.example", new_grant.token};
    std::int64_t newer_id = fresh->put_certificate(newer);

    auto late = certa::test::input_for(certa::test::make_self_signed({"stall.example"}));
    late.fence = LeaseFence{"stall.example", old_grant.token};
    try {
        stalled->put_certificate(late);
        FAIL("a write under a lost lease was accepted");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::Fenced);
    }
    CHECK_FALSE(stalled->renew_lease("stall.example", old_grant.token, 60));
    auto active = fresh->find_active_certificate("stall.example");
    REQUIRE(active);
    CHECK(active->id == newer_id);
    CHECK(fresh->list_certificates({true, "stall.example"}).size() == 1);
}

TEST_CASE("terminated connections are re-established between statements, LISTEN included") {
    std::string url = server().create_database();
    OpenOptions slow;
    slow.change_poll_ms = 600000;  // only notifications (or a reconnect) make the reader re-read
    auto reader = open_store(url, slow);
    auto writer = open_store(url);
    std::int64_t g0 = reader->current_generation();

    pg::PgConnection admin(url);
    const Terminated terminated = terminate_other_sessions(admin);
    CHECK(terminated.count == 2);
    REQUIRE(terminated.gone);

    auto wait_for = [&](std::int64_t wanted) {
        std::int64_t seen = -1;
        for (int i = 0; i < 500 && seen != wanted; ++i) {
            seen = reader->current_generation();
            if (seen != wanted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return seen;
    };
    writer->put_certificate(certa::test::input_for(certa::test::make_self_signed({"one.example"})));
    CHECK(wait_for(g0 + 1) == g0 + 1);  // the reader noticed its dead connection and re-read
    CHECK(reader->current_generation() == g0 + 1);  // settles the reconnect's own "changed"
    // Only a NOTIFY can tell the reader about this one: LISTEN survived the reconnect.
    writer->put_certificate(certa::test::input_for(certa::test::make_self_signed({"two.example"})));
    CHECK(wait_for(g0 + 2) == g0 + 2);
    CHECK(reader->list_certificates({}).size() == 2);
}

TEST_CASE("version 6 moves deploy_pending out of settings_json, also where settings_json is not JSON") {
    std::string url = server().create_database();
    {
        pg::PgConnection raw(url);
        pg::migrate_pg_schema(raw, 5);
        const std::string insert = "INSERT INTO certificates(key_type, key_pem, chain_pem, not_before, not_after,"
                                   " serial_hex, status, generation, created, updated, settings_json) VALUES"
                                   " ('ec256', 'k', 'c', 1, 2, '01', 'active', 1, 3, 3, $1)";
        for (const char* settings : {R"({"deploy_pending":true,"hook":"x"})", R"({"deploy_pending":false})", "",
                                     "not json {deploy_pending"})
            raw.query(insert, std::string(settings));
    }
    auto store = open_store(url);
    CHECK(store->schema_version() == pg::kPgLatestSchemaVersion);
    auto moved = store->get_certificate(1);
    CHECK(moved->deploy_pending);
    CHECK(moved->settings_json == R"({"hook": "x"})");  // re-serialised by jsonb
    CHECK_FALSE(store->get_certificate(2)->deploy_pending);
    CHECK(store->get_certificate(2)->settings_json == R"({"deploy_pending":false})");
    CHECK(store->get_certificate(3)->settings_json.empty());
    CHECK(store->get_certificate(4)->settings_json == "not json {deploy_pending");
    CHECK_FALSE(store->get_certificate(4)->deploy_pending);
}

TEST_CASE("version 9 adds last_error_class: a failure recorded before reads as other, a new one keeps its class") {
    std::string url = server().create_database();
    {
        pg::PgConnection raw(url);
        pg::migrate_pg_schema(raw, 8);
        raw.exec(certa::test::kFailureBeforeV9);
    }
    auto store = open_store(url);
    CHECK(store->schema_version() == pg::kPgLatestSchemaVersion);
    CHECK(store->schema_version() >= 9);
    const auto classes = certa::test::failure_class_after_v9(*store);
    CHECK(classes.old_class.empty());
    CHECK(classes.old_label == "other");  // the text is not parsed
    CHECK(classes.new_class == "network");
}

// Store::interrupt: a read waiting on a lock another session holds fails at
// once instead of at the lock timeout (5 s), and the store works afterwards;
// after a reconnect, the cancel goes to the new server session.
TEST_CASE("interrupt() ends a read waiting on a lock; the store reads again after, also after a reconnect") {
    std::string url = server().create_database();
    auto store = open_store(url);
    const std::int64_t id =
        store->put_certificate(certa::test::input_for(certa::test::make_self_signed({"locked.example"})));
    pg::PgConnection admin(url);

    auto blocked_read_then_interrupt = [&] {
        admin.exec("BEGIN");
        admin.exec("LOCK TABLE certificates IN ACCESS EXCLUSIVE MODE");
        bool failed = false;
        std::chrono::milliseconds took{0};
        std::thread reader([&] {
            const auto t0 = std::chrono::steady_clock::now();
            try {
                (void)store->get_certificate(id);
            } catch (const StoreError&) {
                failed = true;
            }
            took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
        });
        bool waiting = false;  // bounded: until the read waits on the lock
        for (int i = 0; i < 300 && !waiting; ++i) {
            waiting = admin.exec("SELECT count(*) FROM pg_locks WHERE NOT granted").int64(0, 0) > 0;
            if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        CHECK(waiting);
        store->interrupt();
        reader.join();
        admin.exec("COMMIT");
        CHECK(failed);
        MESSAGE("the interrupted read returned after " << took.count() << " ms");
        CHECK(took < std::chrono::milliseconds(3000));  // the lock timeout is 5 s
        CHECK(store->get_certificate(id).has_value());  // usable again
    };
    blocked_read_then_interrupt();

    // A new server session (new cancel key): terminate it, let the store reconnect.
    const Terminated terminated = terminate_other_sessions(admin);
    REQUIRE(terminated.count >= 1);
    REQUIRE(terminated.gone);
    REQUIRE(store->get_certificate(id).has_value());  // reconnects
    blocked_read_then_interrupt();

    // An interrupt with nothing running changes nothing.
    store->interrupt();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(store->get_certificate(id).has_value());
}
