// A directory certa writes files into (export dirs, a webroot's
// .well-known/acme-challenge, a textfile collector dir), opened one path
// component at a time with O_NOFOLLOW, so that nobody but root or the user
// running certa can redirect the writes with a planted symbolic link. Files
// are then created relative to its descriptor (openat, renameat).
//
// The rules, for each component of the absolute path:
//   - a symbolic link is followed only in a directory no one else can write
//     (owned by root or the user, no group or other write bit): /var/run ->
//     /run is fine, a link planted in /tmp is refused;
//   - a directory others can write must be the user's own, or a sticky one
//     owned by root (/tmp); inside such a directory the next component must be
//     owned by root or the user (not one an attacker made there).
#pragma once

#include "storage/base/UniqueFd.hpp"

#include <sys/types.h>

#include <filesystem>

namespace certa::acme {

class SafeDirectory {
public:
    // Opens `path` (relative paths from the working directory). With `create`,
    // missing components are made with exactly `create_mode`. Throws
    // LocalFileError naming the component that breaks a rule (or the OS error).
    static SafeDirectory open(const std::filesystem::path& path, bool create, mode_t create_mode = 0700);

    int fd() const { return fd_.get(); }
    const std::filesystem::path& path() const { return path_; }

private:
    SafeDirectory(UniqueFd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
    UniqueFd fd_;
    std::filesystem::path path_;
};

}  // namespace certa::acme
