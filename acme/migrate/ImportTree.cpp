#include "acme/migrate/ImportTree.hpp"

#include "acme/migrate/ImportError.hpp"
#include "acme/renew/LocalFileError.hpp"
#include "storage/UniqueFd.hpp"

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

bool inside(const fs::path& root, const fs::path& path) {
    auto r = root.begin(), p = path.begin();
    for (; r != root.end(); ++r, ++p)
        if (p == path.end() || *r != *p) return false;
    return true;
}

}  // namespace

ImportTree ImportTree::open(const fs::path& dir) {
    fs::path root = resolve(dir);
    check_directory(root);
    return ImportTree(std::move(root));
}

bool ImportTree::exists(const fs::path& relative) const {
    std::error_code ec;
    return fs::exists(root_ / relative, ec);
}

bool ImportTree::is_directory(const fs::path& relative) const {
    std::error_code ec;
    return fs::is_directory(root_ / relative, ec);
}

std::vector<std::string> ImportTree::list(const fs::path& relative) const {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(root_ / relative, ec), end;
    for (; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string ImportTree::read(const fs::path& relative) const {
    const fs::path real = resolve(root_ / relative);
    if (!inside(root_, real)) refuse(root_ / relative, "it leads out of " + root_.string());
    return read_checked(real, false);
}

std::string read_import_file(const fs::path& path) { return read_checked(resolve(path), true); }

}  // namespace certa::acme
