// Writes outside the store never go through a link someone else planted:
// SafeDirectory and write_file_atomic (exports, metrics textfile) and the
// http-01 webroot, each with the link planted where an attacker would put it.
// The tests that hand a directory to another user need root (CI runs as root).
#include "acme/challenge/Http01Solver.hpp"
#include "acme/files/AtomicFile.hpp"
#include "acme/files/LocalFileError.hpp"
#include "acme/files/SafeDirectory.hpp"

#include "TempDir.hpp"

#include "TestFiles.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace certa;
namespace fs = std::filesystem;

using certa::test::slurp;

namespace {

// A directory anyone may write, like /tmp (sticky, so entries stay their owner's).
fs::path shared_dir(const test::TempDir& dir) {
    const fs::path shared = dir.path() / "shared";
    fs::create_directory(shared);
    REQUIRE(::chmod(shared.c_str(), 01777) == 0);
    return shared;
}

std::string refusal(const fs::path& path, bool create) {
    try {
        acme::SafeDirectory::open(path, create);
    } catch (const acme::LocalFileError& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("a link planted in a directory others can write is not followed") {
    test::TempDir dir;
    const fs::path shared = shared_dir(dir);
    const fs::path victim = dir.path() / "victim";
    fs::create_directory(victim);
    fs::create_directory_symlink(victim, shared / "export");
    CHECK(refusal(shared / "export", true).find("symbolic link in a directory another user can write") !=
          std::string::npos);
    CHECK(refusal(shared / "export" / "deeper", true).find("symbolic link") != std::string::npos);
    CHECK(fs::is_empty(victim));
    // In a directory only we can write, a link is ours: followed.
    fs::create_directory_symlink(victim, dir.path() / "mine");
    const auto opened = acme::SafeDirectory::open(dir.path() / "mine" / "sub", true);
    acme::write_file_atomic(opened, "cert.pem", "x", 0644);
    CHECK(slurp(victim / "sub" / "cert.pem") == "x");
}

TEST_CASE("a file planted as a link in the export dir is replaced, its target untouched") {
    test::TempDir dir;
    const fs::path out = dir.path() / "out";
    const auto opened = acme::ensure_private_dir(out);
    const fs::path victim = dir.path() / "shadow";
    std::ofstream(victim) << "root:x:0:0\n";
    fs::create_symlink(victim, out / "privkey.pem");
    acme::write_file_atomic(opened, "privkey.pem", "-----BEGIN PRIVATE KEY-----\n", 0600);
    CHECK(slurp(victim) == "root:x:0:0\n");
    CHECK_FALSE(fs::is_symlink(out / "privkey.pem"));
    CHECK(slurp(out / "privkey.pem") == "-----BEGIN PRIVATE KEY-----\n");
    const auto mode = fs::status(out / "privkey.pem").permissions() & fs::perms::mask;
    CHECK(mode == (fs::perms::owner_read | fs::perms::owner_write));
    CHECK_THROWS_AS(acme::write_file_atomic(opened, "../escape", "x", 0600), acme::LocalFileError);
}

TEST_CASE("another user's directory: refused when others can write it or it sits in a shared directory") {
    REQUIRE_MESSAGE(::geteuid() == 0, "handing a directory to another user needs root");
    test::TempDir dir;
    const uid_t nobody = 65534;
    const fs::path open_to_all = dir.path() / "open";
    fs::create_directory(open_to_all);
    REQUIRE(::chmod(open_to_all.c_str(), 0777) == 0);
    REQUIRE(::chown(open_to_all.c_str(), nobody, nobody) == 0);
    CHECK(refusal(open_to_all / "out", true).find("a directory others can write") != std::string::npos);
    CHECK_FALSE(fs::exists(open_to_all / "out"));

    const fs::path planted = shared_dir(dir) / "planted";  // made in /tmp by someone else
    fs::create_directory(planted);
    REQUIRE(::chown(planted.c_str(), nobody, nobody) == 0);
    CHECK(refusal(planted, false).find("another user's directory") != std::string::npos);

    // A service's own directory (haproxy:haproxy 0750, say) is fine to export into.
    const fs::path service = dir.path() / "service";
    fs::create_directory(service);
    REQUIRE(::chown(service.c_str(), nobody, nobody) == 0);
    CHECK(refusal(service, false).empty());
}

TEST_CASE("webroot: a .well-known link planted in a shared webroot is refused, nothing written through it") {
    test::TempDir dir;
    auto store = storage::open_store(dir.file("s.db"));
    const fs::path webroot = shared_dir(dir);
    const fs::path victim = dir.path() / "victim";
    fs::create_directory(victim);
    fs::create_directory_symlink(victim, webroot / ".well-known");
    acme::Http01Solver solver(*store, acme::Http01Options{webroot.string()});
    const auto id = acme::Identifier::parse("www.example.com");
    const std::string token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    CHECK_THROWS_AS(solver.present(id, token, token + ".key"), acme::LocalFileError);
    CHECK(fs::is_empty(victim));
    CHECK_FALSE(store->find_http01(token));
}
