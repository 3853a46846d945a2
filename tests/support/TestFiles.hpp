// Reading files back in tests: the one slurp and the one file-mode helper
// every test uses.
#pragma once

#include <filesystem>
#include <string>

namespace certa::test {

// The whole file, bytes as they are; "" when it cannot be read.
std::string slurp(const std::filesystem::path& path);

enum class Links { Follow, NoFollow };

// The permission bits (st_mode & 07777) of `path`, or -1 when it does not
// exist. NoFollow reports a symbolic link itself (lstat).
int file_mode(const std::filesystem::path& path, Links links = Links::Follow);

}  // namespace certa::test
