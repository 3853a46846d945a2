// Crash-safe file replacement for files certa writes outside its store
// (exported certificates and keys, webroot challenge files, metrics), always
// inside a SafeDirectory.
#pragma once

#include "acme/renew/SafeDirectory.hpp"

#include <sys/types.h>

#include <filesystem>
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

}  // namespace certa::acme
