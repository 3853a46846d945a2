// A "HOST:PORT" pair from the command line (listen addresses, forwarding
// targets): the one parser in storage/net/HostPort.hpp. Listeners take an
// empty host (every address) and port 0 (any free port); forwarding targets
// may name a host.
#pragma once

#include "storage/net/HostPort.hpp"

namespace certa::handshake {

using HostPort = storage::net::HostPort;

}  // namespace certa::handshake
