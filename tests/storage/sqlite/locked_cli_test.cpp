// A store whose write lock another process holds beyond the busy timeout
// (5 s by default): `certa issue` waits, then exits 3 (README "Exit codes")
// with one line naming the lock, and nothing in the store is lost.
#include "IssueRun.hpp"
#include "StoreFixtures.hpp"
#include "TempDir.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace certa::storage;
using certa::test::TempDir;

TEST_CASE("certa issue on a store another process keeps write-locked exits 3 with one line, nothing lost") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    auto earlier = certa::test::make_self_signed({"earlier.locked.example"}, "ec256");
    open_store(path)->put_certificate(certa::test::input_for(earlier));

    certa::test::PebbleHarness pebble;
    {
        // This connection is not the certa process: SQLite's file locks apply.
        SqliteConnection holder(path, false, 1000);
        holder.exec("BEGIN IMMEDIATE");
        auto r = certa::test::issue_with_pebble(pebble, path, "new.locked.example");
        CHECK_MESSAGE(r.exit_code == 3, r.err);
        CHECK_MESSAGE(certa::test::line_count(r.err) == 1, r.err);
        CHECK_MESSAGE(r.err.find("is locked by another writer") != std::string::npos, r.err);
        holder.exec("ROLLBACK");
    }

    auto store = open_store(path);
    CHECK(store->integrity_check() == "ok");
    CHECK(store->find_active_certificate("earlier.locked.example").has_value());
    CHECK_FALSE(store->find_active_certificate("new.locked.example").has_value());
    CHECK(store->list_accounts().empty());
    // Once the lock is gone the same command succeeds.
    auto again = certa::test::issue_with_pebble(pebble, path, "new.locked.example");
    CHECK_MESSAGE(again.exit_code == 0, again.err);
    CHECK(store->find_active_certificate("new.locked.example").has_value());
}

TEST_CASE("certa renew on a store another process keeps write-locked exits 3 with one line, nothing lost") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    certa::test::PebbleHarness pebble;
    auto issued = certa::test::issue_with_pebble(pebble, path, "renew.locked.example");
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    const auto before = open_store(path)->find_active_certificate("renew.locked.example");
    REQUIRE(before.has_value());

    certa::test::RunOptions options;
    options.timeout = std::chrono::seconds(60);
    {
        SqliteConnection holder(path, false, 1000);
        holder.exec("BEGIN IMMEDIATE");
        auto r = certa::test::run_certa({"--store", path, "renew", "--force"}, options);
        const std::string all = r.out + r.err;
        CHECK_MESSAGE(r.exit_code == 3, all);
        CHECK_MESSAGE(certa::test::line_count(all) == 1, all);
        CHECK_MESSAGE(all.find("is locked by another writer") != std::string::npos, all);
        holder.exec("ROLLBACK");
    }

    auto store = open_store(path);
    CHECK(store->integrity_check() == "ok");
    auto still = store->find_active_certificate("renew.locked.example");
    REQUIRE(still.has_value());
    CHECK(still->id == before->id);
    // No failure was recorded against the certificate: the next run is not backed off.
    CHECK(still->failures == 0);
    auto again = certa::test::run_certa({"--store", path, "renew", "--force"}, options);
    const std::string again_output = again.out + again.err;
    CHECK_MESSAGE(again.exit_code == 0, again_output);
    auto renewed = store->find_active_certificate("renew.locked.example");
    REQUIRE(renewed.has_value());
    CHECK(renewed->id != before->id);
}
