// An ADDR:PORT flag value (--listen, --http, --metrics, ...) parsed by the one
// HOST:PORT parser (storage/net/HostPort); a bad value is a usage error
// naming the flag (exit 2).
#pragma once

#include "storage/net/HostPort.hpp"

#include <string>

namespace certa::cli {

storage::net::HostPort parse_address(const std::string& flag, const std::string& text);

}  // namespace certa::cli
