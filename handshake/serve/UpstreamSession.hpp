// --upstream: terminates TLS with the Agent's certificate (like hitch) and
// forwards the plaintext to the target. Challenge handshakes (acme-tls/1) are
// closed after the handshake as in TlsSession.
#pragma once

#include "handshake/serve/TlsSession.hpp"

namespace certa::handshake {

class UpstreamSession : public TlsSession {
public:
    static void start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                      bool sni_missing);

private:
    using TlsSession::TlsSession;
    void established(bool challenge) override;
};

}  // namespace certa::handshake
