// Maps any failure to one line on stderr ("certa: <message>") and an exit code.
#pragma once

#include <exception>
#include <string>

namespace certa::cli {

// Prints one line for `error` and returns the exit code documented in README.md.
// Other modules' typed errors get their own catch clause in ErrorReport.cpp.
int report_error(std::exception_ptr error);

// Writes "certa: <message>" as one line (newlines in `message` are folded).
void print_error_line(const std::string& message);

}  // namespace certa::cli
