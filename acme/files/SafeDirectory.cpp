#include "acme/files/SafeDirectory.hpp"

#include "acme/files/LocalFileError.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace certa::acme {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int err) {
    throw LocalFileError(what + " " + path.string() + ": " + std::strerror(err));
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
    throw LocalFileError("refusing " + path.string() + ": " + why);
}

bool owned_by_us_or_root(const struct stat& st) { return st.st_uid == 0 || st.st_uid == ::geteuid(); }
bool others_can_write(const struct stat& st) { return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0; }
// No one but root or the user can add, remove or rename its entries.
bool trusted(const struct stat& st) { return owned_by_us_or_root(st) && !others_can_write(st); }

UniqueFd open_dir_at(int parent, const char* name, bool follow) {
    return UniqueFd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)));
}

}  // namespace

SafeDirectory SafeDirectory::open(const std::filesystem::path& path, bool create, mode_t create_mode) {
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(path, ec).lexically_normal();
    if (ec) fail("cannot resolve", path, ec.value());
    UniqueFd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0) fail("cannot open", "/", errno);
    struct stat parent {};
    if (::fstat(dir.get(), &parent) != 0) fail("cannot stat", "/", errno);
    std::filesystem::path walked = "/";
    for (const auto& part : absolute.relative_path()) {
        if (part.empty() || part == ".") continue;
        walked /= part;
        const char* name = part.c_str();
        struct stat entry {};
        bool made = false;
        if (::fstatat(dir.get(), name, &entry, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT || !create) fail("cannot access", walked, errno);
            if (::mkdirat(dir.get(), name, create_mode) == 0) made = true;
            else if (errno != EEXIST) fail("cannot create directory", walked, errno);
            if (::fstatat(dir.get(), name, &entry, AT_SYMLINK_NOFOLLOW) != 0) fail("cannot access", walked, errno);
        }
        const bool link = S_ISLNK(entry.st_mode);
        if (link && !trusted(parent)) refuse(walked, "a symbolic link in a directory another user can write");
        UniqueFd next = open_dir_at(dir.get(), name, link);
        if (next.get() < 0) {
            if (errno == ELOOP) refuse(walked, "it became a symbolic link");
            fail("cannot open directory", walked, errno);
        }
        // The umask may have narrowed create_mode (e.g. 0277 gives 0500): set it exactly.
        if (made && ::fchmod(next.get(), create_mode) != 0) fail("cannot set mode of", walked, errno);
        struct stat st {};
        if (::fstat(next.get(), &st) != 0) fail("cannot stat", walked, errno);
        if (!trusted(parent) && !owned_by_us_or_root(st))
            refuse(walked, "another user's directory inside a directory others can write");
        const bool sticky_root = st.st_uid == 0 && (st.st_mode & S_ISVTX) != 0;
        if (others_can_write(st) && st.st_uid != ::geteuid() && !sticky_root)
            refuse(walked, "a directory others can write");
        dir = std::move(next);
        parent = st;
    }
    return SafeDirectory(std::move(dir), absolute);
}

}  // namespace certa::acme
