// Small text rules every module shares: ASCII case folding (names and
// identifiers are stored and compared lowercase) and folding a message onto
// one line (errors and stored failures are one line each).
#pragma once

#include <string>
#include <string_view>

namespace certa::storage {

// Lowercase ASCII; other bytes unchanged.
std::string lowercase(std::string_view text);

// `text` with every CR and LF replaced by a space.
std::string one_line(std::string text);

}  // namespace certa::storage
