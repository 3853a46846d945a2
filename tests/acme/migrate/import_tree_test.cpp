// ImportTree: the input directory's rules (owner, no group/other write,
// links must stay inside, regular files of at most 1 MiB).
#include "acme/migrate/ImportError.hpp"
#include "acme/migrate/ImportTree.hpp"
#include "acme/renew/LocalFileError.hpp"
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
