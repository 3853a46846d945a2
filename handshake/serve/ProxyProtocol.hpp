// PROXY protocol version 2 header (haproxy's proxy-protocol.txt §2.2), sent
// first on a forwarded connection so the target learns the client's address.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace certa::handshake {

// The binary v2 header for a TCP connection from `source` (the client) to
// `destination` (our listening address). Mixed families are sent as TCP6 with
// the IPv4 address mapped (::ffff:a.b.c.d).
std::string proxy_v2_header(const boost::asio::ip::tcp::endpoint& source,
                            const boost::asio::ip::tcp::endpoint& destination);

}  // namespace certa::handshake
