// Time rendering for command output.
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>

namespace certa::cli {

// ISO-8601 UTC, e.g. "2026-11-27T01:02:03Z". 0 (meaning "not set") gives "".
std::string iso8601_utc(storage::UnixTime t);

}  // namespace certa::cli
