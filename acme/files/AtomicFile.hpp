// Crash-safe file replacement for files certa writes outside its store
// (exported certificates and keys, webroot challenge files, metrics), always
// inside a SafeDirectory.
#pragma once

#include "acme/files/SafeDirectory.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace certa::acme {

// Opens `dir`, creating it (and missing parents) with mode 0700 when it does
// not exist. Throws LocalFileError when it cannot, when `dir` is not a
// directory, or when a symbolic link or directory on the way breaks a
// SafeDirectory rule.
SafeDirectory ensure_private_dir(const std::filesystem::path& dir);

// Writes `content` to dir/name atomically: a temp file in `dir` created with
// `mode` (never wider, whatever the umask; O_EXCL|O_NOFOLLOW), written,
// fsync'ed, renamed over the target (a link there is replaced, not followed),
// then the directory fsync'ed. Readers see the old or the new file, never a
// partial one. Throws LocalFileError on failure (the temp file is removed).
void write_file_atomic(const SafeDirectory& dir, const std::string& name, std::string_view content, mode_t mode);

// Points the symbolic link dir/name at `target` atomically: a link made under
// a temporary name, renamed over dir/name (whatever was there is replaced, not
// followed). Readers see the old or the new link. Throws LocalFileError.
void replace_symlink_atomic(const SafeDirectory& dir, const std::string& name, const std::string& target);

// The content of the regular file dir/name (never through a link), at most
// `max_size` bytes; nullopt when it does not exist, is a link or is no
// regular file. Throws LocalFileError on other errors.
std::optional<std::string> read_file_at(const SafeDirectory& dir, const std::string& name,
                                        std::size_t max_size = 1 << 20);

}  // namespace certa::acme
