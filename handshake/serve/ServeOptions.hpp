// Configuration of the `certa serve` daemon (ServeDaemon). Plain values; the
// command line (cli/ServeCommand.cpp) fills them in.
#pragma once

#include "handshake/serve/HostPort.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace certa::handshake {

class OnDemandGate;

// What happens to connections that do not offer ALPN acme-tls/1.
enum class ForwardMode {
    ChallengesOnly,  // TLS handshake with the agent's leaf, then close
    Passthrough,     // splice the raw TCP stream to the target (like ualpn)
    Upstream,        // terminate TLS here, forward plaintext to the target (like hitch)
};

struct ServeOptions {
    std::vector<HostPort> listen{HostPort{"", 443}};
    ForwardMode mode = ForwardMode::ChallengesOnly;
    HostPort target;                      // Passthrough / Upstream only
    bool proxy_protocol_v2 = false;       // prepend a PROXY v2 header towards the target
    std::string default_name;             // handed to the Agent
    std::chrono::milliseconds poll_interval{100};   // Agent store poll

    // Bounds. Every wait on a peer has a deadline.
    std::chrono::milliseconds first_byte_timeout{5000};  // a silent connection is closed after this
    std::chrono::milliseconds peek_timeout{10000};       // whole ClientHello must arrive
    std::chrono::milliseconds handshake_timeout{10000};  // TLS handshake / shutdown
    std::chrono::milliseconds connect_timeout{10000};    // resolve + connect to the target
    std::chrono::milliseconds idle_timeout{300000};      // proxied connection without traffic
    std::chrono::milliseconds shutdown_grace{10000};     // drain time after SIGTERM/SIGINT
    std::size_t max_connections = 1024;   // beyond this, new connections are closed at once
    std::size_t max_connections_per_client = 128;  // per IPv4 address / IPv6 /64 (0: no limit)
    int threads = 2;                      // io threads (certa serve: --threads, default one per CPU)
    // certa serve --on-demand: consulted for every non-challenge connection
    // with an SNI (null: off). See OnDemandGate.
    std::shared_ptr<OnDemandGate> on_demand;
};

}  // namespace certa::handshake
