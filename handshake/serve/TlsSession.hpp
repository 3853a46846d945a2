// A TLS server connection whose certificate the Agent picks (the ClientHello
// callback is attached to context.tls). The base behaviour handshakes, then
// closes: that is the RFC 8737 §3 challenge exchange, and what --serve without
// a forwarding target does for ordinary clients. UpstreamSession forwards instead.
#pragma once

#include "handshake/serve/ConnectionTracker.hpp"
#include "handshake/serve/ServeContext.hpp"

#include "handshake/serve/TlsSocketStream.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

namespace certa::handshake {

class TlsSession : public std::enable_shared_from_this<TlsSession> {
public:
    using TlsStream = TlsSocketStream;

    // `sni_missing`: the peeked ClientHello had no server_name, so the Agent
    // picks by the local address (read from the socket only then, and
    // attached to the SSL, which owns it: see ConnectionAddress).
    static void start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                      bool sni_missing);
    virtual ~TlsSession() = default;

protected:
    TlsSession(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket, bool sni_missing);
    void handshake();
    // Runs once the handshake succeeded; the default sends close_notify and closes.
    virtual void established(bool challenge);
    // close_notify (if the socket takes it at once), then close without waiting for the peer's.
    void shutdown_and_close();
    void close();

    const ServeContext& context_;
    TlsStream stream_;
    ConnectionTracker::Ticket ticket_;
    boost::asio::steady_timer deadline_;
    std::string peer_;      // "ADDR:PORT" of the client, for debug logs (only made when they are on)
};

}  // namespace certa::handshake
