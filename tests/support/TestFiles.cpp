#include "TestFiles.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

namespace certa::test {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int file_mode(const std::filesystem::path& path, Links links) {
    struct stat st {};
    const int rc = links == Links::Follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
    if (rc != 0) return -1;
    return static_cast<int>(st.st_mode & 07777);
}

}  // namespace certa::test
