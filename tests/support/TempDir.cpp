#include "TempDir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace certa::test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "certa-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace certa::test
