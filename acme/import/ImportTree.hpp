// The directory `certa import` reads (certbot's /etc/letsencrypt, lego's
// .lego), read with care because it holds keys and hook commands that certa
// will keep using:
//   - the top directory must belong to root or the user running certa and
//     must not be writable by group or others;
//   - a symbolic link (certbot's live/ -> archive/ links) is followed only
//     when it stays inside the top directory, and a directory link never
//     leads back to a directory above it (a loop: `x -> .`);
//   - a file is read only when it is a regular file of at most 1 MiB owned by
//     root or the user, not writable by group or others, and every directory
//     from the top down to it (on the path as named and on its real path) is
//     root's or the user's and not writable by group or others (a sticky
//     one excepted), so that no one else can swap a file or link on the way;
//   - a hostile tree cannot make the reading long: paths deeper than
//     kMaxDepth below the top and more than kMaxEntries directory entries
//     listed in all are refused.
// A refusal is an ImportError naming the path; an OS error a LocalFileError.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace certa::acme {

class ImportTree {
public:
    static constexpr std::size_t kMaxFileBytes = 1u << 20;
    static constexpr std::size_t kMaxEntries = 10000;
    static constexpr std::size_t kMaxDepth = 16;

    // Throws LocalFileError when `dir` cannot be resolved, ImportError when it breaks a rule above.
    static ImportTree open(const std::filesystem::path& dir);

    const std::filesystem::path& root() const { return root_; }
    // `relative` (below the root) exists (following links). These three
    // throw ImportError when `relative` breaks a rule above.
    bool exists(const std::filesystem::path& relative) const;
    bool is_directory(const std::filesystem::path& relative) const;
    // Entry names of a directory below the root, sorted; empty when it is missing.
    std::vector<std::string> list(const std::filesystem::path& relative) const;
    // The whole file under the rules above.
    std::string read(const std::filesystem::path& relative) const;

private:
    explicit ImportTree(std::filesystem::path root) : root_(std::move(root)) {}
    // The real path of `relative`, inside the root; nullopt when it is missing.
    std::optional<std::filesystem::path> resolve_inside(const std::filesystem::path& relative) const;
    std::filesystem::path root_;  // canonical
    mutable std::size_t entries_listed_ = 0;
};

// Opens a single file given on the command line (`certa import --cert/--key`)
// under the same file rules (regular, at most 1 MiB, owner, not writable by
// others; its directory may also be a sticky one of root's, like /tmp),
// following links. Throws LocalFileError / ImportError.
std::string read_import_file(const std::filesystem::path& path);

}  // namespace certa::acme
