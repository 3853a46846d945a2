// spdlog setup for the `certa` process: one logger writing to stderr.
#pragma once

#include <string>

namespace certa::cli {

// Installs the default spdlog logger on stderr at `level`
// (trace|debug|info|warn|error|off; validated by the option parser).
void setup_logging(const std::string& level);

}  // namespace certa::cli
