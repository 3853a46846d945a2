// The store file and its WAL companions are 0600 whatever the umask; missing
// directories are created 0700; looser existing modes are tightened, except
// the group-shared layout of certa-nginx(8) (0640 in a 0750 dir of its group).
#include "StoreFixtures.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"
#include "storage/open/StorePath.hpp"
#include "storage/sqlite/StoreFile.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace certa::storage;
using certa::test::file_exists;
using certa::test::file_mode;
using certa::test::TempDir;

namespace {

// Sets the umask for one scope.
class ScopedUmask {
public:
    explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
    ~ScopedUmask() { ::umask(old_); }

private:
    mode_t old_;
};

}  // namespace

TEST_CASE("db, -wal and -shm are 0600 under umask 0") {
    ScopedUmask umask0(0);
    TempDir dir;
    std::string path = dir.file("new/sub/certa.db");
    auto store = open_store(path);
    store->put_certificate(certa::test::input_for(certa::test::make_self_signed({"perm.example"})));
    // While the connection is open and has written, WAL and shared memory exist.
    REQUIRE(file_exists(path + "-wal"));
    REQUIRE(file_exists(path + "-shm"));
    CHECK(file_mode(path) == 0600);
    CHECK(file_mode(path + "-wal") == 0600);
    CHECK(file_mode(path + "-shm") == 0600);
    CHECK(file_mode(dir.file("new")) == 0700);
    CHECK(file_mode(dir.file("new/sub")) == 0700);
}

TEST_CASE("an existing store with a looser mode is tightened to 0600") {
    ScopedUmask umask0(0);
    TempDir dir;
    std::string path = dir.file("certa.db");
    open_store(path);
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    REQUIRE(file_mode(path) == 0644);
    auto store = open_store(path);
    CHECK(file_mode(path) == 0600);
    store->add_event("x", 0, "");
    CHECK(file_mode(path + "-wal") == 0600);
}

TEST_CASE("a -wal or -shm planted as a symbolic link is refused; its target is left alone") {
    for (const char* suffix : {"-wal", "-shm"}) {
        CAPTURE(suffix);
        TempDir dir;
        const std::string path = dir.file("certa.db");
        { open_store(path); }  // a store with no WAL files left (last close checkpoints)
        const std::string victim = dir.file("victim");
        certa::test::write_file(victim, "root:x:0:0\n");
        REQUIRE(::chmod(victim.c_str(), 0644) == 0);
        REQUIRE(::symlink(victim.c_str(), (path + suffix).c_str()) == 0);
        try {
            open_store(path);
            FAIL("a store with a planted symlink opened");
        } catch (const StoreError& e) {
            CHECK(std::string(e.what()).find("symbolic link") != std::string::npos);
        }
        CHECK(file_mode(victim) == 0644);
        CHECK(certa::test::read_file(victim) == "root:x:0:0\n");
    }
}

TEST_CASE("an empty existing file becomes a store, with mode 0600") {
    ScopedUmask umask0(0);
    TempDir dir;
    std::string path = dir.file("empty.db");
    certa::test::write_file(path, "");
    REQUIRE(::chmod(path.c_str(), 0666) == 0);
    auto store = open_store(path);
    CHECK(store->schema_version() >= 1);
    CHECK(file_mode(path) == 0600);
}

TEST_CASE("a missing store is not created when create is false or read-only") {
    TempDir dir;
    std::string path = dir.file("missing.db");
    OpenOptions no_create;
    no_create.create = false;
    try {
        open_store(path, no_create);
        FAIL("opened a missing store");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::Io);
        CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
    }
    OpenOptions read_only;
    read_only.read_only = true;
    CHECK_THROWS_AS(open_store(path, read_only), StoreError);
    CHECK_FALSE(file_exists(path));
}

TEST_CASE("a read-only store reads what a writer stored") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::int64_t id = 0;
    {
        auto writer = open_store(path);
        id = writer->put_certificate(certa::test::input_for(certa::test::make_self_signed({"ro.example"})));
    }
    OpenOptions read_only;
    read_only.read_only = true;
    auto reader = open_store(path, read_only);
    auto record = reader->find_active_certificate("ro.example");
    REQUIRE(record);
    CHECK(record->id == id);
    CHECK_THROWS_AS(reader->add_event("x", 0, ""), StoreError);
}

TEST_CASE("processes racing to create the same new store all succeed") {
    TempDir dir;
    std::string path = dir.file("fresh/certa.db");
    constexpr int kOpeners = 8;
    int start[2];
    REQUIRE(::pipe(start) == 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kOpeners; ++i) {
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(start[1]);
            char go = 0;
            int code = 1;
            if (::read(start[0], &go, 1) == 0) {
                try {
                    auto store = open_store(path);
                    store->acquire_lease("l" + std::to_string(i), "child", 60);
                    code = store->schema_version() == store->schema_version() ? 0 : 1;
                } catch (...) {
                    code = 2;
                }
            }
            ::_exit(code);
        }
        children.push_back(pid);
    }
    ::close(start[0]);
    ::close(start[1]);
    int ok = 0;
    for (pid_t pid : children) ok += certa::test::wait_child(pid) == 0;
    CHECK(ok == kOpeners);
    auto store = open_store(path);
    CHECK(store->integrity_check() == "ok");
    for (int i = 0; i < kOpeners; ++i) CHECK_FALSE(store->acquire_lease("l" + std::to_string(i), "late", 60).acquired);
    CHECK(file_mode(path) == 0600);
}

// certa-nginx(8): the one group-readable layout kept, for a server's workers.
TEST_CASE("a group-shared store (0640 in a 0750 dir of its group) keeps its mode and its WAL files") {
    TempDir dir;
    const std::string shared_dir = dir.file("shared");
    REQUIRE(::mkdir(shared_dir.c_str(), 0750) == 0);
    const std::string path = shared_dir + "/certa.db";
    open_store(path);  // created 0600
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    CHECK(is_group_shared_store(path));
    {
        auto store = open_store(path);
        store->put_certificate(certa::test::input_for(certa::test::make_self_signed({"shared.example"})));
        CHECK(file_mode(path) == 0640);
        CHECK(file_mode(path + "-wal") == 0640);
        CHECK(file_mode(path + "-shm") == 0640);
    }
    // Kept after the last connection closed, for readers that cannot create them.
    CHECK(file_exists(path + "-wal"));
    CHECK(file_exists(path + "-shm"));
    CHECK(file_mode(path) == 0640);
    CHECK(is_private_store(path));  // the group can read, not write
    // A directory the group may write, or others may enter: not shared; tightened.
    REQUIRE(::chmod(shared_dir.c_str(), 0770) == 0);
    CHECK_FALSE(is_group_shared_store(path));
    {
        auto tightened = open_store(path);
        CHECK(file_mode(path) == 0600);
        CHECK(file_mode(path + "-wal") == 0600);
    }
    REQUIRE(::chmod(shared_dir.c_str(), 0750) == 0);
    // Any other group bit (g+w) is tightened too, and such a store is not private.
    REQUIRE(::chmod(path.c_str(), 0660) == 0);
    CHECK_FALSE(is_group_shared_store(path));
    CHECK_FALSE(is_private_store(path));
    open_store(path);
    CHECK(file_mode(path) == 0600);
}

TEST_CASE("a group-writable -shm makes a store not private") {
    TempDir dir;
    const std::string path = dir.file("certa.db");
    auto store = open_store(path);
    store->put_certificate(certa::test::input_for(certa::test::make_self_signed({"w.example"})));
    REQUIRE(is_private_store(path));
    REQUIRE(::chmod((path + "-shm").c_str(), 0620) == 0);
    CHECK_FALSE(is_private_store(path));
}
