// --passthrough: forwards the raw TCP stream, ClientHello included (it was only
// peeked, so it is still in the kernel buffer), to the target (like ualpn).
#pragma once

#include "handshake/serve/ConnectionTracker.hpp"
#include "handshake/serve/ServeContext.hpp"

#include <memory>

namespace certa::handshake {

class PassthroughSession : public std::enable_shared_from_this<PassthroughSession> {
public:
    static void start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket);

private:
    PassthroughSession(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket)
        : context_(context), client_(std::move(socket)), ticket_(std::move(ticket)) {}

    const ServeContext& context_;
    Socket client_;
    ConnectionTracker::Ticket ticket_;
};

}  // namespace certa::handshake
