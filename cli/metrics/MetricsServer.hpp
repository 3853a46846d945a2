// The HTTP endpoint of `certa serve --metrics`: libmicrohttpd in its own
// thread answering `GET /metrics` (and HEAD) with render()'s text in the
// Prometheus format; 404 for other paths, 405 for other methods. Connections
// (in all and per client address), request size, idle time and the time to
// send a request header (HeaderDeadline) are bounded.
#pragma once

#include "handshake/serve/HostPort.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace certa::cli {

// The address cannot be bound (in use, no permission, not an IP literal).
class MetricsServerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct MetricsServerLimits {
    unsigned connections = 16;                          // open at once, in all
    unsigned per_address = 4;                           // open at once from one client address
    std::chrono::milliseconds header_deadline{5000};    // to send a whole request header
    unsigned idle_timeout_s = 10;                       // without any traffic
};

class MetricsServer {
public:
    // Called for every scrape on the server's thread (one at a time); what it
    // throws becomes a 503 with a one-line reason.
    using Render = std::function<std::string()>;

    // Listens on `address` (an IP literal; empty host: every address, IPv6
    // dual-stack when available; port 0: a free port, see port()). Throws
    // MetricsServerError when it cannot.
    MetricsServer(const handshake::HostPort& address, Render render, const MetricsServerLimits& limits = {});
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    std::uint16_t port() const noexcept { return port_; }

    struct State;  // what the request handler sees (named by the C callback)

private:
    std::unique_ptr<State> state_;  // owns the MHD daemon, which it stops first
    std::uint16_t port_ = 0;
};

}  // namespace certa::cli
