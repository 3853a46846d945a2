// Files that are not (usable) certa stores are refused with one clear error,
// and are left byte-identical: random bytes, text, another application's
// SQLite database, a store from a newer certa. A corrupt store is reported
// (by open, the first read, or integrity_check) and left byte-identical. A busy store
// reports Locked.
#include "StoreFixtures.hpp"
#include "TempDir.hpp"
#include "storage/sqlite/SqliteSchema.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace certa::storage;
using certa::test::file_exists;
using certa::test::read_file;
using certa::test::TempDir;
using certa::test::write_file;

namespace {

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    REQUIRE(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1);
    return out;
}

// Opens `path`, expects a refusal of `kind`, and checks the file is untouched.
std::string expect_refused(const std::string& path, StoreError::Kind kind) {
    std::string before = read_file(path);
    std::string message;
    try {
        open_store(path);
        FAIL("opened a file that should be refused: " << path);
    } catch (const StoreError& e) {
        CHECK(e.kind() == kind);
        message = e.what();
    }
    CHECK(read_file(path) == before);
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);  // one line for the CLI
    return message;
}

// A copy of a real store with enough certificates to span many pages, closed
// cleanly (the WAL checkpointed into the file and removed). Built once.
std::string make_real_store(const TempDir& dir) {
    static TempDir template_dir;
    static const std::string template_bytes = [] {
        std::string path = template_dir.file("template.db");
        {
            auto store = open_store(path);
            for (int i = 0; i < 3; ++i) {
                auto cert = certa::test::make_self_signed({"n" + std::to_string(i) + ".example"}, "rsa2048");
                for (int copy = 0; copy < 4; ++copy) store->put_certificate(certa::test::input_for(cert));
            }
        }
        REQUIRE_FALSE(file_exists(path + "-wal"));
        return read_file(path);
    }();
    std::string path = dir.file("certa.db");
    write_file(path, template_bytes);
    return path;
}

constexpr size_t kPage = 4096;  // SQLite's default page size

void check_corrupt_error(const StoreError& e, const std::string& path) {
    CHECK((e.kind() == StoreError::Kind::Corrupt || e.kind() == StoreError::Kind::NotAStore));
    const std::string message = e.what();
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);  // one line for the CLI
}

// Opening no longer scans the file (PRAGMA quick_check costs O(store size) on
// every open), so a damaged page that open does not read is reported by the
// first operation that reads it, or by integrity_check (`certa store check`).
// Either way: reported, with one clear error, and the file left untouched.
// Returns where it was reported: "open", "read" or "check".
std::string expect_corruption_reported(const std::string& path) {
    const std::string before = read_file(path);
    std::string stage = "none";
    try {
        stage = "open";
        auto store = open_store(path);
        stage = "read";
        static_cast<void>(store->certificates_changed_since(0));
        stage = "check";
        const std::string integrity = store->integrity_check();
        CHECK(integrity != "ok");
        CHECK_FALSE(integrity.empty());
    } catch (const StoreError& e) {
        check_corrupt_error(e, path);
    }
    CHECK(read_file(path) == before);
    return stage;
}

}  // namespace

TEST_CASE("random bytes are not a store") {
    TempDir dir;
    std::string path = dir.file("random.db");
    write_file(path, random_bytes(8192));
    std::string message = expect_refused(path, StoreError::Kind::NotAStore);
    CHECK(message == path + " is not a certa store (not an SQLite database)");
}

TEST_CASE("a text file is not a store") {
    TempDir dir;
    std::string path = dir.file("notes.txt");
    write_file(path, "server = https://acme.example/dir\n");
    expect_refused(path, StoreError::Kind::NotAStore);
}

TEST_CASE("a directory is not a store") {
    TempDir dir;
    try {
        open_store(dir.path().string());
        FAIL("opened a directory");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::NotAStore);
    }
}

TEST_CASE("another application's SQLite database is refused untouched") {
    TempDir dir;
    std::string path = dir.file("other.db");
    write_file(path, "");
    {
        SqliteConnection db(path, false, 1000);
        db.exec("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos(name) VALUES ('cat')");
    }
    std::string message = expect_refused(path, StoreError::Kind::NotAStore);
    CHECK(message.find("is not a certa store") != std::string::npos);
}

TEST_CASE("a store from a newer certa is refused untouched") {
    TempDir dir;
    std::string path = make_real_store(dir);
    {
        SqliteConnection db(path, false, 1000);
        db.exec("PRAGMA user_version = 99");
    }
    std::string message = expect_refused(path, StoreError::Kind::NewerSchema);
    CHECK(message.find("store schema version 99 is newer than this certa supports (" +
                       std::to_string(kLatestSchemaVersion) + ")") != std::string::npos);
}

TEST_CASE("a store with overwritten pages is refused as corrupt, untouched") {
    TempDir dir;
    std::string path = make_real_store(dir);
    std::string bytes = read_file(path);
    REQUIRE(bytes.size() > 6 * kPage);
    SUBCASE("random bytes over page 2") { bytes.replace(kPage, kPage, random_bytes(kPage)); }
    SUBCASE("zeros over the last three pages") {
        bytes.replace(bytes.size() - 3 * kPage, 3 * kPage, std::string(3 * kPage, '\0'));
    }
    SUBCASE("random bytes over every page after the first") {
        bytes.replace(kPage, bytes.size() - kPage, random_bytes(bytes.size() - kPage));
    }
    write_file(path, bytes);
    MESSAGE("corruption reported at: " << expect_corruption_reported(path));
}

TEST_CASE("a truncated store is refused as corrupt, untouched") {
    TempDir dir;
    std::string path = make_real_store(dir);
    std::string bytes = read_file(path);
    write_file(path, bytes.substr(0, (bytes.size() / kPage / 2) * kPage));
    MESSAGE("corruption reported at: " << expect_corruption_reported(path));
}

TEST_CASE("open does not scan: a damaged data page is found by the first read or the check, untouched") {
    TempDir dir;
    std::string path = make_real_store(dir);
    std::string bytes = read_file(path);
    REQUIRE(bytes.size() > 6 * kPage);
    // The last page holds row data (or a free page), never the schema on page 1.
    bytes.replace(bytes.size() - kPage, kPage, std::string(kPage, '\x5a'));
    write_file(path, bytes);
    CHECK(expect_corruption_reported(path) != "open");
}

TEST_CASE("a write while another connection holds the write lock fails as Locked") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    open_store(path);
    OpenOptions impatient;
    impatient.busy_timeout_ms = 50;
    SqliteConnection holder(path, false, 1000);
    holder.exec("BEGIN IMMEDIATE");
    auto store = open_store(path, impatient);  // opening a current store takes no write lock
    try {
        store->acquire_lease("x.example", "me", 60);
        FAIL("wrote through a held write lock");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::Locked);
        CHECK(std::string(e.what()).find("locked") != std::string::npos);
    }
    CHECK(store->current_generation() == 0);  // readers are not blocked in WAL mode
    holder.exec("ROLLBACK");
    CHECK(store->acquire_lease("x.example", "me", 60).acquired);
}
