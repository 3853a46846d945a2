// The `certa serve` daemon: listens on the configured addresses and answers
// each TLS connection with the Agent's certificates (see ConnectionRouter for
// what happens to which connection). Boost.Asio underneath; this header keeps
// Asio out of its users.
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/serve/HostPort.hpp"
#include "handshake/serve/ServeCounters.hpp"
#include "handshake/serve/ServeOptions.hpp"

#include <memory>
#include <string>
#include <vector>

namespace certa::handshake {

class ServeDaemon {
public:
    // Builds the TLS context, attaches `agent` and binds every listen address.
    // Throws ServeError (address in use, no permission, bad option).
    ServeDaemon(ServeOptions options, std::unique_ptr<Agent> agent);
    ~ServeDaemon();
    ServeDaemon(const ServeDaemon&) = delete;
    ServeDaemon& operator=(const ServeDaemon&) = delete;

    // `certa serve` across a fleet: wires options.on_loaded / on_close to the
    // store's serving_agents row of this process (a fresh id: host name, pid,
    // random), so that a tls-alpn-01 issuer can wait until every live agent
    // serves its challenge. Set before Agent::open; returns the agent id.
    // (Not for an agent embedded in an issuer, e.g. issue --tls-port.)
    static std::string report_to_store(AgentOptions& options);

    // What the connection path counted so far (thread-safe; for metrics).
    const ServeCounters& counters() const;

    // The bound addresses (real ports when 0 was asked for).
    std::vector<HostPort> local_addresses() const;

    // Serves until SIGTERM / SIGINT or request_stop(). Then stops accepting,
    // lets open connections finish for up to options.shutdown_grace and returns.
    void run();
    // Same as a signal; callable from any thread (e.g. a test).
    void request_stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace certa::handshake
