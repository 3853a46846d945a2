// The directory `certa import` reads (certbot's /etc/letsencrypt, lego's
// .lego), read with care because it holds keys and hook commands that certa
// will keep using:
//   - the top directory must belong to root or the user running certa and
//     must not be writable by group or others;
//   - a file is read only when its real path (symbolic links resolved, as
//     certbot's live/ -> archive/ links) stays inside the top directory, it
//     is a regular file of at most 1 MiB owned by root or the user, and
//     neither it nor its directory is writable by group or others.
// A refusal is an ImportError naming the path; an OS error a LocalFileError.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace certa::acme {

class ImportTree {
public:
    static constexpr std::size_t kMaxFileBytes = 1u << 20;

    // Throws LocalFileError when `dir` cannot be resolved, ImportError when it breaks a rule above.
    static ImportTree open(const std::filesystem::path& dir);

    const std::filesystem::path& root() const { return root_; }
    // `relative` (below the root) exists (following links).
    bool exists(const std::filesystem::path& relative) const;
    bool is_directory(const std::filesystem::path& relative) const;
    // Entry names of a directory below the root, sorted; empty when it is missing.
    std::vector<std::string> list(const std::filesystem::path& relative) const;
    // The whole file under the rules above.
    std::string read(const std::filesystem::path& relative) const;

private:
    explicit ImportTree(std::filesystem::path root) : root_(std::move(root)) {}
    std::filesystem::path root_;  // canonical
};

// Opens a single file given on the command line (`certa import --cert/--key`)
// under the same file rules (regular, at most 1 MiB, owner, not writable by
// others; its directory may also be a sticky one of root's, like /tmp),
// following links. Throws LocalFileError / ImportError.
std::string read_import_file(const std::filesystem::path& path);

}  // namespace certa::acme
