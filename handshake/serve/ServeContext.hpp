// What every connection of the daemon shares: the options and the TLS context
// with the Agent attached, the daemon's counters and its queue of incomplete
// ClientHellos. Owned by ServeDaemon, which outlives all sessions.
#pragma once

#include "handshake/serve/ConnectionTracker.hpp"
#include "handshake/serve/ServeCounters.hpp"
#include "handshake/serve/ServeOptions.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace certa::handshake {

class HelloQueue;

struct ServeContext {
    ServeOptions options;
    boost::asio::ssl::context& tls;
    ServeCounters& counters;
    HelloQueue& hellos;  // the connections still waiting for their ClientHello
};

// A connection's socket: it lives on the io thread that accepted it (see
// Listener), so its handlers never run concurrently.
using Socket = boost::asio::ip::tcp::socket;

// The ALPN protocol of RFC 8737 §6.2.
inline constexpr const char* kAcmeTlsAlpn = "acme-tls/1";

}  // namespace certa::handshake
