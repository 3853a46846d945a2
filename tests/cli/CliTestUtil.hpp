// Small helpers shared by the tests/cli integration tests.
#pragma once

#include "TestFiles.hpp"

#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace certa::test::cli {

inline std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

// Permission bits of `path`, or -1 when it does not exist.
// `certa --store <dir>/certa.db args...`
inline RunResult certa_in(const TempDir& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", dir.file("certa.db")});
    return run_certa(args);
}

}  // namespace certa::test::cli
