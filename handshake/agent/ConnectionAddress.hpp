// The local address a connection arrived on, attached to its SSL by servers
// whose SSL has no socket descriptor (asio streams, memory BIOs: `certa
// serve`). A client that connects to https://IP/ sends no SNI (RFC 6066 §3
// forbids IP literals there); the agent then selects the certificate for this
// address. Without it the agent asks the SSL's socket (SSL_get_fd).
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace certa::handshake {

// Attaches `canonical_ip` (canonical_ip() text) to `ssl`, which owns it from
// then on: it lives as long as the SSL, wherever the SSL moves (serve hands
// the SSL of a session to its relay once the handshake is done).
void set_connection_local_ip(SSL* ssl, std::string canonical_ip);
// Null when none was attached; valid while `ssl` lives and until the next set.
const std::string* connection_local_ip(const SSL* ssl);

}  // namespace certa::handshake
