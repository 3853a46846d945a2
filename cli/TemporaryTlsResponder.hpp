// `certa issue --tls-port PORT`: a tls-alpn-01 responder (handshake/'s
// ServeDaemon in challenges-only mode) that runs only while the command does.
// The solver it wraps makes the agent re-read the store right after each
// challenge row is written, so the CA never connects before it is served.
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace certa::handshake {
class Agent;
class ServeDaemon;
}  // namespace certa::handshake

namespace certa::cli {

class TemporaryTlsResponder {
public:
    // Binds ADDRESS:PORT (address "" = every address). Throws handshake::ServeError.
    TemporaryTlsResponder(const std::string& store_location, const std::string& address, std::uint16_t port);
    ~TemporaryTlsResponder();
    TemporaryTlsResponder(const TemporaryTlsResponder&) = delete;
    TemporaryTlsResponder& operator=(const TemporaryTlsResponder&) = delete;

    // A solver that calls `inner` and then refreshes this responder's agent.
    std::unique_ptr<acme::ChallengeSolver> wrap(std::unique_ptr<acme::ChallengeSolver> inner);

private:
    handshake::Agent* agent_ = nullptr;  // owned by daemon_
    std::unique_ptr<handshake::ServeDaemon> daemon_;
    std::thread thread_;
};

}  // namespace certa::cli
