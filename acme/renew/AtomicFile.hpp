// Crash-safe file replacement for files certa writes outside its store
// (exported certificates and keys).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace certa::acme {

// Creates `dir` (and missing parents) with mode 0700 when it does not exist.
// Throws LocalFileError when it cannot, or when `dir` is not a directory.
void ensure_private_dir(const std::filesystem::path& dir);

// Writes `content` to dir/name atomically: a temp file in `dir` created with
// `mode` (never wider, whatever the umask), written, fsync'ed, renamed over
// the target, then the directory fsync'ed. Readers see the old or the new
// file, never a partial one. Throws LocalFileError on failure (the temp
// file is removed).
void write_file_atomic(const std::filesystem::path& dir, const std::string& name,
                       std::string_view content, mode_t mode);

}  // namespace certa::acme
