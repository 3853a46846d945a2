// Security round 2, finding 1: another user who plants `<store>-wal` (or -shm,
// -journal) beside a store chooses what SQLite reads. Such a file is refused
// before SQLite opens the store, with one line, exit 5, and nothing changed.
// Needs root (to give the planted file to another uid); CI runs as root.
#include "StoreFixtures.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"
#include "storage/StoreError.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <iterator>

using namespace certa::storage;
using certa::test::TempDir;

namespace {

constexpr uid_t kOtherUid = 65534;  // nobody

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uid_t owner_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_uid;
}

// The attack of the finding: the attacker's own copy of the store, written in
// WAL mode with checkpoints off, and its -wal copied beside the victim's store
// while the writer still holds it (so it is not checkpointed away).
std::string forge_wal(const std::string& victim, const std::string& scratch) {
    std::filesystem::copy_file(victim, scratch);
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(scratch.c_str(), &raw) == SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    REQUIRE(sqlite3_exec(db.get(), "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; "
                                   "CREATE TABLE planted(x); INSERT INTO planted VALUES ('id > /tmp/pwned');",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string planted = victim + "-wal";
    std::filesystem::copy_file(scratch + "-wal", planted);
    return planted;
}

bool has_planted_table(const std::string& store_path) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(store_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    int found = 0;
    sqlite3_exec(
        db.get(), "SELECT count(*) FROM sqlite_master WHERE name = 'planted'",
        [](void* out, int, char** values, char**) {
            *static_cast<int*>(out) = std::atoi(values[0]);
            return 0;
        },
        &found, nullptr);
    return found != 0;
}

}  // namespace

TEST_CASE("a -wal planted by another user is refused before SQLite replays it; nothing changes") {
    REQUIRE_MESSAGE(::geteuid() == 0, "giving a file to another uid needs root");
    TempDir dir;
    const std::string victim = dir.file("v.db");
    { open_store(victim)->add_event("victim", 0, ""); }
    const std::string planted = forge_wal(victim, dir.file("attacker.db"));
    REQUIRE(::chown(planted.c_str(), kOtherUid, kOtherUid) == 0);
    REQUIRE(::chmod(planted.c_str(), 0644) == 0);
    const std::string planted_bytes = read_all(planted);
    REQUIRE(planted_bytes.size() > 32);

    for (bool read_only : {false, true}) {
        CAPTURE(read_only);
        OpenOptions options;
        options.read_only = read_only;
        try {
            open_store(victim, options);
            FAIL("the planted -wal was accepted");
        } catch (const StoreError& e) {
            CHECK(e.kind() == StoreError::Kind::Untrusted);
            CHECK(std::string(e.what()).find(planted) != std::string::npos);
            CHECK(std::string(e.what()).find("uid 65534") != std::string::npos);
        }
    }
    // Nothing changed: the file keeps its owner, mode and bytes.
    CHECK(owner_of(planted) == kOtherUid);
    CHECK(certa::test::file_mode(planted) == 0644);
    CHECK(read_all(planted) == planted_bytes);

    // The CLI: one line, exit 5 (certa(1)), and the hook never runs.
    auto listed = certa::test::run_certa({"--store", victim, "list"});
    CHECK(listed.exit_code == 5);
    CHECK(listed.err.find("belongs to uid 65534") != std::string::npos);
    CHECK(std::count(listed.err.begin(), listed.err.end(), '\n') == 1);
    auto renewed = certa::test::run_certa({"--store", victim, "renew", "--quiet"});
    CHECK(renewed.exit_code == 5);

    // Once the planted file is gone, the store is the victim's own again.
    REQUIRE(::unlink(planted.c_str()) == 0);
    CHECK_NOTHROW(open_store(victim));
    CHECK_FALSE(has_planted_table(victim));
}

TEST_CASE("a -shm or -journal planted by another user is refused as well") {
    REQUIRE_MESSAGE(::geteuid() == 0, "giving a file to another uid needs root");
    for (const char* suffix : {"-shm", "-journal"}) {
        CAPTURE(suffix);
        TempDir dir;
        const std::string victim = dir.file("v.db");
        { open_store(victim); }
        const std::string planted = victim + suffix;
        std::ofstream(planted) << "planted";
        REQUIRE(::chown(planted.c_str(), kOtherUid, kOtherUid) == 0);
        CHECK_THROWS_AS(open_store(victim), StoreError);
        CHECK(owner_of(planted) == kOtherUid);
        CHECK(read_all(planted) == "planted");
    }
}

TEST_CASE("sidecars of this user, root or the store's owner are accepted") {
    REQUIRE_MESSAGE(::geteuid() == 0, "giving a file to another uid needs root");
    TempDir dir;
    const std::string store = dir.file("owned.db");
    { open_store(store)->add_event("x", 0, ""); }
    // A store that belongs to another user (their sidecars too) stays usable:
    // that user could write the store itself, so the sidecar adds nothing.
    REQUIRE(::chown(store.c_str(), kOtherUid, kOtherUid) == 0);
    std::ofstream(store + "-journal");
    REQUIRE(::chown((store + "-journal").c_str(), kOtherUid, kOtherUid) == 0);
    CHECK_NOTHROW(open_store(store)->add_event("y", 0, ""));
}
