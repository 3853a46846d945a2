// ImportTree: the input directory's rules (owner, no group/other write,
// links must stay inside, regular files of at most 1 MiB).
#include "acme/files/LocalFileError.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/import/ImportTree.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace certa::acme;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace

TEST_CASE("files inside the tree are read; links out of it, loose modes and odd files are refused") {
    certa::test::TempDir dir, outside;
    const fs::path root = dir.path() / "le";
    fs::create_directories(root / "archive");
    fs::create_directories(root / "live");
    write(root / "archive" / "cert1.pem", "CERT");
    fs::create_symlink("../archive/cert1.pem", root / "live" / "cert.pem");
    write(outside.path() / "secret", "OUTSIDE");
    fs::create_symlink(outside.path() / "secret", root / "live" / "escape.pem");

    const ImportTree tree = ImportTree::open(root);
    CHECK(tree.read("live/cert.pem") == "CERT");
    CHECK(tree.list("live") == std::vector<std::string>{"cert.pem", "escape.pem"});
    CHECK(tree.list("nope").empty());
    CHECK_THROWS_WITH_AS(tree.read("live/escape.pem"),
                         ("refusing " + (tree.root() / "live/escape.pem").string() + ": it leads out of " + tree.root().string()).c_str(),
                         ImportError);
    CHECK_THROWS_AS(tree.read("live/missing.pem"), LocalFileError);
    CHECK_THROWS_AS(tree.read("archive"), ImportError);  // not a regular file

    fs::permissions(root / "archive" / "cert1.pem", fs::perms::others_write, fs::perm_options::add);
    CHECK_THROWS_AS(tree.read("live/cert.pem"), ImportError);
    fs::permissions(root / "archive" / "cert1.pem", fs::perms::others_write, fs::perm_options::remove);
    fs::permissions(root / "archive", fs::perms::group_write, fs::perm_options::add);
    CHECK_THROWS_AS(tree.read("live/cert.pem"), ImportError);
    fs::permissions(root / "archive", fs::perms::group_write, fs::perm_options::remove);

    std::ofstream(root / "archive" / "big.pem") << std::string(ImportTree::kMaxFileBytes + 1, 'x');
    CHECK_THROWS_AS(tree.read("archive/big.pem"), ImportError);

    fs::permissions(root, fs::perms::others_write, fs::perm_options::add);
    CHECK_THROWS_AS(ImportTree::open(root), ImportError);
    CHECK_THROWS_AS(ImportTree::open(dir.path() / "missing"), LocalFileError);

    // A single file (--cert/--key) may sit in root's sticky /tmp-like directory, not in a loose one.
    CHECK(read_import_file(root / "live" / "cert.pem") == "CERT");
}

TEST_CASE("every directory from the top down to a file is checked, on the named and the real path (issue 21)") {
    certa::test::TempDir dir;
    const fs::path root = dir.path() / "le";
    fs::create_directories(root / "archive" / "a" / "b");
    fs::create_directories(root / "live" / "a");
    write(root / "archive" / "a" / "b" / "cert1.pem", "CERT");
    fs::create_symlink("../../archive/a/b/cert1.pem", root / "live" / "a" / "cert.pem");
    const ImportTree tree = ImportTree::open(root);
    CHECK(tree.read("archive/a/b/cert1.pem") == "CERT");
    CHECK(tree.read("live/a/cert.pem") == "CERT");

    // A group-writable directory between the top and the file's own directory:
    // someone else could swap b/ (and the file in it) for their own.
    fs::permissions(root / "archive" / "a", fs::perms::group_write, fs::perm_options::add);
    CHECK_THROWS_WITH_AS(tree.read("archive/a/b/cert1.pem"), doctest::Contains("archive/a: group or others can write it"),
                         ImportError);
    CHECK_THROWS_AS(tree.read("live/a/cert.pem"), ImportError);  // the real path goes through it
    fs::permissions(root / "archive" / "a", fs::perms::group_write, fs::perm_options::remove);

    // The same on the path as named, where the link sits.
    fs::permissions(root / "live", fs::perms::others_write, fs::perm_options::add);
    CHECK_THROWS_WITH_AS(tree.read("live/a/cert.pem"), doctest::Contains("live: group or others can write it"),
                         ImportError);
    fs::permissions(root / "live", fs::perms::others_write, fs::perm_options::remove);
    CHECK(tree.read("live/a/cert.pem") == "CERT");
}

TEST_CASE("links out of the tree or around a loop are refused, and the walk is bounded (issue 21)") {
    certa::test::TempDir dir;
    const fs::path root = dir.path() / "le";
    fs::create_directories(root / "accounts" / "host");
    fs::create_directory_symlink("/", root / "accounts" / "root");
    fs::create_directory_symlink(".", root / "accounts" / "host" / "self");
    fs::create_directory_symlink("../..", root / "accounts" / "host" / "up");
    fs::create_directory_symlink("../host", root / "accounts" / "host" / "sibling-of-itself");
    fs::create_symlink("loop-b", root / "accounts" / "loop-a");
    fs::create_symlink("loop-a", root / "accounts" / "loop-b");
    const ImportTree tree = ImportTree::open(root);

    CHECK_THROWS_WITH_AS(tree.is_directory("accounts/root"), doctest::Contains("it leads out of"), ImportError);
    CHECK_THROWS_WITH_AS(tree.list("accounts/root"), doctest::Contains("it leads out of"), ImportError);
    CHECK_THROWS_WITH_AS(tree.exists("accounts/root/etc/passwd"), doctest::Contains("it leads out of"), ImportError);
    CHECK_THROWS_WITH_AS(tree.is_directory("accounts/host/self"), doctest::Contains("symbolic link loop"), ImportError);
    CHECK_THROWS_WITH_AS(tree.is_directory("accounts/host/up"), doctest::Contains("symbolic link loop"), ImportError);
    CHECK_THROWS_WITH_AS(tree.is_directory("accounts/host/sibling-of-itself"), doctest::Contains("symbolic link loop"),
                         ImportError);
    CHECK_THROWS_WITH_AS(tree.exists("accounts/loop-a"), doctest::Contains("its symbolic links loop"), ImportError);
    CHECK_THROWS_AS(tree.read("accounts/../../etc/passwd"), ImportError);
    CHECK(tree.is_directory("accounts/host"));

    // Depth and the number of entries listed.
    fs::path deep = "accounts";
    for (std::size_t i = 0; i < ImportTree::kMaxDepth; ++i) deep /= "d";
    CHECK_THROWS_WITH_AS(tree.exists(deep), doctest::Contains("deeper than"), ImportError);
    fs::create_directories(root / "many");
    for (std::size_t i = 0; i <= ImportTree::kMaxEntries / 2; ++i) write(root / "many" / std::to_string(i), "");
    (void)tree.list("many");
    CHECK_THROWS_WITH_AS(tree.list("many"), doctest::Contains("directory entries"), ImportError);
}
