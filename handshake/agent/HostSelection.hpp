// What the agent needs from a connection when the host server owns SNI and
// ALPN (nginx 1.22): the host's servername callback switches SSL_CTX (which
// copies that context's certificate callback), its ALPN callback picks the
// protocol, and the agent selects in the certificate callback
// (SSL_CTX_set_cert_cb), where SSL_client_hello_get0_ext no longer works.
//
// So the ClientHello is either recorded earlier (the host's ClientHello
// callback calls record_client_hello) or rebuilt from what OpenSSL kept:
// SSL_get_servername, SSL_get_sigalgs (the client's signature_algorithms),
// the negotiated version. ALPN offers are known only when recorded; under TLS
// 1.3 OpenSSL runs the ALPN callback before the certificate callback, so the
// negotiated protocol tells (RFC 8737 §3: acme-tls/1 means a challenge).
#pragma once

#include "handshake/hello/ClientHelloInfo.hpp"

#include <openssl/ssl.h>

#include <string_view>

namespace certa::handshake {

// Parses the ClientHello (call only from a ClientHello callback) and keeps it on `ssl`.
void record_client_hello(SSL* ssl);
// The recorded ClientHello, or nullptr.
const ClientHelloInfo* recorded_client_hello(const SSL* ssl);

// The ClientHello as known in the certificate callback: the recorded one, else
// rebuilt from the SSL's state (no ALPN offers then).
ClientHelloInfo client_hello_in_cert_callback(SSL* ssl);

// The protocol the ALPN callback negotiated ("" when none or not run yet).
std::string_view negotiated_alpn(const SSL* ssl);

// Finds `want` in a client's ALPN wire list (length-prefixed names); on
// success points *out/*outlen into `in`.
bool find_alpn_offer(const unsigned char* in, unsigned int inlen, std::string_view want,
                     const unsigned char** out, unsigned char* outlen);

}  // namespace certa::handshake
