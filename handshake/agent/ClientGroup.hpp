// Which client a connection counts against, for every per-client limit
// (serve's connection cap, on-demand's ask limit): the peer address, IPv4 as
// is, IPv6 per /64 since one host commonly holds a whole /64 (RFC 4291
// §2.5.4, RFC 7421), and an IPv4-mapped IPv6 address as the IPv4 one.
// Here in agent/, the folder serve/ and ondemand/ both build on, so neither
// includes the other for it.
#pragma once

#include <string>

namespace certa::handshake {

// "192.0.2.1" -> "192.0.2.1"; "2001:db8:0:1::9" -> "2001:db8:0:1::/64";
// "::ffff:192.0.2.1" -> "192.0.2.1"; anything else unchanged.
std::string client_group(const std::string& address);

}  // namespace certa::handshake
