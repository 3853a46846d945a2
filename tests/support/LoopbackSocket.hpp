// Raw loopback TCP connections from a chosen source address (any of
// 127.0.0.0/8), for the tests of per-client limits: one address floods,
// another is a legitimate client.
#pragma once

#include <cstdint>

namespace certa::test {

// A connected socket from `source` to 127.0.0.1:`port` (5 s receive timeout);
// FAILs the test when it cannot connect. The caller closes it.
int connect_from(const char* source, std::uint16_t port);

// True when the server closed `fd` (EOF or reset) within the receive timeout.
bool closed_by_server(int fd);

// A listening socket on 127.0.0.1 and a free port (set in `port`); FAILs the
// test when it cannot. The caller closes it.
int listen_on_loopback(std::uint16_t& port, int backlog = 4);

}  // namespace certa::test
