// A failure raised by a command itself that already knows its exit code
// (e.g. "no certificate named X" → NotFound). The message is one line and
// must never carry a secret.
#pragma once

#include "cli/ExitCode.hpp"

#include <stdexcept>
#include <string>

namespace certa::cli {

class CliError : public std::runtime_error {
public:
    CliError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const noexcept { return code_; }

private:
    ExitCode code_;
};

}  // namespace certa::cli
