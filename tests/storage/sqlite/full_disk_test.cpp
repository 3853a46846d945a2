// A store on a really full file system (a 1 MiB tmpfs filled to the last
// byte), not only RLIMIT_FSIZE: writes fail as Io, `certa issue` exits 3 with
// one line, and the store stays intact with its earlier certificates.
// Needs root (mount). A failed mount FAILS the test; it is never skipped.
#include "StoreFixtures.hpp"
#include "TempDir.hpp"
#include "IssueRun.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <string>
#include <unistd.h>

using namespace certa::storage;
using certa::test::TempDir;

namespace {

// Mounts a 1 MiB tmpfs at `dir`; unmounts on scope exit.
class SmallTmpfs {
public:
    explicit SmallTmpfs(const std::string& dir) : dir_(dir) {
        auto r = certa::test::run({"mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", dir_});
        mounted_ = r.exit_code == 0;
        error_ = r.err;
    }
    ~SmallTmpfs() {
        if (mounted_) certa::test::run({"umount", "-l", dir_});
    }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }

private:
    std::string dir_;
    bool mounted_ = false;
    std::string error_;
};

// Appends to `path` until the file system says ENOSPC (bounded: a 1 MiB
// tmpfs takes at most 17 chunks of 64 KiB). True when ENOSPC was seen.
bool fill_until_full(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    std::string chunk(64 * 1024, 'x');
    bool full = false;
    for (int i = 0; i < 64 && !full; ++i) {
        ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n < 0) full = errno == ENOSPC;
        else if (n < static_cast<ssize_t>(chunk.size())) full = ::write(fd, chunk.data(), 1) < 0 && errno == ENOSPC;
        if (n < 0 && !full) break;
    }
    ::close(fd);
    return full;
}

}  // namespace

TEST_CASE("a full disk: writes fail as Io, certa issue exits 3 with one line, the store stays intact") {
    TempDir dir;
    std::string mnt = dir.file("mnt");
    REQUIRE(::mkdir(mnt.c_str(), 0700) == 0);
    SmallTmpfs fs(mnt);
    const std::string mount_error = "cannot mount a 1 MiB tmpfs (this test needs root): " + fs.error();
    REQUIRE_MESSAGE(fs.mounted(), mount_error);
    std::string path = mnt + "/certa.db";
    std::string filler = mnt + "/filler";

    auto first = certa::test::make_self_signed({"first.full.example"}, "ec256");
    auto second = certa::test::make_self_signed({"second.full.example"}, "ec256");
    {
        auto store = open_store(path);
        store->put_certificate(certa::test::input_for(first));
        store->put_certificate(certa::test::input_for(second));
    }

    SUBCASE("Store::put_certificate through an open store") {
        auto store = open_store(path);
        REQUIRE(fill_until_full(filler));
        auto big = certa::test::make_self_signed({"third.full.example"}, "rsa2048");
        bool refused = false;
        // The WAL may absorb a little; a few puts reach the full disk (bounded).
        for (int i = 0; i < 50 && !refused; ++i) {
            try {
                store->put_certificate(certa::test::input_for(big, "rsa2048"));
            } catch (const StoreError& e) {
                refused = true;
                CHECK(e.kind() == StoreError::Kind::Io);
                CHECK(std::string(e.what()).find('\n') == std::string::npos);
                CHECK_MESSAGE(std::string(e.what()).find("disk full") != std::string::npos, e.what());
            }
        }
        CHECK(refused);
    }

    SUBCASE("certa issue against Pebble") {
        REQUIRE(fill_until_full(filler));
        certa::test::PebbleHarness pebble;
        auto r = certa::test::issue_with_pebble(pebble, path, "third.full.example");
        CHECK_MESSAGE(r.exit_code == 3, r.err);
        CHECK_MESSAGE(certa::test::line_count(r.err) == 1, r.err);
        CHECK_MESSAGE(r.err.rfind("certa: ", 0) == 0, r.err);
        CHECK_MESSAGE(r.err.find("disk full") != std::string::npos, r.err);
    }

    // Space again: the store opens, passes its integrity check and still
    // holds exactly the two earlier certificates (nothing half-written).
    REQUIRE(::unlink(filler.c_str()) == 0);
    auto store = open_store(path);
    CHECK(store->integrity_check() == "ok");
    auto rows = store->list_certificates({true, ""});
    CHECK(rows.size() == 2);
    CHECK(store->find_active_certificate("first.full.example").has_value());
    CHECK(store->find_active_certificate("second.full.example").has_value());
    CHECK_FALSE(store->find_active_certificate("third.full.example").has_value());
    CHECK(store->list_accounts().empty());
}
