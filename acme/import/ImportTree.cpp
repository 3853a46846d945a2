// See ImportTree.hpp for the rules. Every path is resolved with
// fs::canonical (the kernel's own link limit ends a long chain with ELOOP)
// and checked against the root before anything is read or listed.
#include "acme/import/ImportTree.hpp"

#include "acme/files/LocalFileError.hpp"
#include "acme/files/PathWithin.hpp"
#include "acme/import/ImportError.hpp"
#include "storage/base/UniqueFd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace certa::acme {

namespace fs = std::filesystem;

namespace {

bool owned_by_us_or_root(const struct stat& st) { return st.st_uid == 0 || st.st_uid == ::geteuid(); }
bool others_can_write(const struct stat& st) { return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0; }

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
    throw ImportError("refusing " + path.string() + ": " + why);
}

// `allow_sticky`: a sticky directory of root's (/tmp) is fine around a file
// that is itself ours (no one else can replace or rename it there).
void check_directory(const fs::path& dir, bool allow_sticky = false) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        throw LocalFileError("cannot access " + dir.string() + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) refuse(dir, "not a directory");
    if (!owned_by_us_or_root(st)) refuse(dir, "it belongs to another user");
    const bool sticky_root = st.st_uid == 0 && (st.st_mode & S_ISVTX) != 0;
    if (others_can_write(st) && !(allow_sticky && sticky_root))
        refuse(dir, "group or others can write it (keys or hooks could have been planted)");
}

// Every directory below `root` down to `dir` (a path under root).
void check_directories_below(const fs::path& root, const fs::path& dir) {
    fs::path at = root;
    for (const auto& part : dir.lexically_relative(root)) {
        if (part == ".") continue;
        at /= part;
        check_directory(at);
    }
}

// Reads an already resolved path under the file rules.
std::string read_checked(const fs::path& real, bool allow_sticky) {
    check_directory(real.parent_path(), allow_sticky);
    UniqueFd fd(::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) throw LocalFileError("cannot open " + real.string() + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw LocalFileError("cannot stat " + real.string() + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) refuse(real, "not a regular file");
    if (!owned_by_us_or_root(st)) refuse(real, "it belongs to another user");
    if (others_can_write(st)) refuse(real, "group or others can write it");
    if (static_cast<std::size_t>(st.st_size) > ImportTree::kMaxFileBytes) refuse(real, "larger than 1 MiB");
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw LocalFileError("cannot read " + real.string() + ": " + std::strerror(errno));
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);
    return text;
}

fs::path resolve(const fs::path& path) {
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) throw LocalFileError("cannot access " + path.string() + ": " + ec.message());
    return real;
}

}  // namespace

ImportTree ImportTree::open(const fs::path& dir) {
    fs::path root = resolve(dir);
    check_directory(root);
    return ImportTree(std::move(root));
}

std::optional<fs::path> ImportTree::resolve_inside(const fs::path& relative) const {
    const fs::path named = root_ / relative;
    if (relative.is_absolute()) refuse(named, "it leads out of " + root_.string());
    std::size_t depth = 0;
    for (const auto& part : relative) {
        if (part == "..") refuse(named, "it leads out of " + root_.string());
        ++depth;
    }
    if (depth > kMaxDepth) refuse(named, "deeper than " + std::to_string(kMaxDepth) + " directories");
    std::error_code ec;
    fs::path real = fs::canonical(named, ec);
    if (ec == std::errc::too_many_symbolic_link_levels) refuse(named, "its symbolic links loop");
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return std::nullopt;
    if (ec) throw LocalFileError("cannot access " + named.string() + ": " + ec.message());
    if (!path_within(root_, real)) refuse(named, "it leads out of " + root_.string());
    return real;
}

bool ImportTree::exists(const fs::path& relative) const { return resolve_inside(relative).has_value(); }

bool ImportTree::is_directory(const fs::path& relative) const {
    const auto real = resolve_inside(relative);
    std::error_code ec;
    if (!real || !fs::is_directory(*real, ec)) return false;
    // A link to the directory holding it, or to one above (`x -> .`,
    // `x -> ../..`), would make a walk go round forever.
    const auto parent = resolve_inside(relative.parent_path());
    if (parent && path_within(*real, *parent))
        refuse(root_ / relative, "a symbolic link loop (it leads back to " + real->string() + ")");
    return true;
}

std::vector<std::string> ImportTree::list(const fs::path& relative) const {
    std::vector<std::string> names;
    const auto real = resolve_inside(relative);
    if (!real) return names;
    std::error_code ec;
    fs::directory_iterator it(*real, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (++entries_listed_ > kMaxEntries)
            refuse(root_, "more than " + std::to_string(kMaxEntries) + " directory entries (not a certbot or lego tree)");
        names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string ImportTree::read(const fs::path& relative) const {
    const fs::path named = root_ / relative;
    const auto real = resolve_inside(relative);
    if (!real) throw LocalFileError("cannot access " + named.string() + ": " + std::strerror(ENOENT));
    // Both the directories as named (where links sit) and those on the real path.
    check_directories_below(root_, root_ / relative.parent_path());
    check_directories_below(root_, real->parent_path());
    return read_checked(*real, false);
}

std::string read_import_file(const fs::path& path) { return read_checked(resolve(path), true); }

}  // namespace certa::acme
