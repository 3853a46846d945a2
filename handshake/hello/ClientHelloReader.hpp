// Reads a ClientHello inside the OpenSSL ClientHello callback
// (SSL_client_hello_get0_ext). OpenSSL has only checked the extension framing
// at that point, so each body goes through the hostile-input parsers of
// ClientHelloExtensions.
#pragma once

#include "handshake/hello/ClientHelloExtensions.hpp"
#include "handshake/hello/ClientHelloInfo.hpp"

#include <openssl/ssl.h>

namespace certa::handshake {

// The ClientHello being processed on `ssl` (call only from the ClientHello callback).
ClientHelloInfo read_client_hello(SSL* ssl);

}  // namespace certa::handshake
