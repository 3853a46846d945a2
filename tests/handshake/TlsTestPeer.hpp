// In-process TLS peers for the handshake tests: a server context with the
// Agent attached talks to an OpenSSL client over a BIO pair (no sockets), or
// raw ClientHello bytes are fed to the server. Also builds RFC 8737 challenge
// certificates and hand-crafted ClientHellos.
#pragma once

#include "storage/base/OpenSsl.hpp"
#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace certa::test {

struct ClientOptions {
    std::optional<std::string> sni;     // nullopt: no server_name extension
    std::vector<std::string> alpn;      // empty: no ALPN extension
    std::string sigalgs;                // e.g. "ECDSA+SHA256" (SSL_set1_sigalgs_list); "" default
    int max_version = 0;                // e.g. TLS1_2_VERSION; 0: library default
    bool status_request = false;        // send status_request (RFC 6066 §8: ask for an OCSP staple)
};

struct HandshakeResult {
    bool ok = false;
    int alert = -1;                 // alert description the client received (-1: none)
    ossl::X509Ptr leaf;             // what the server presented
    std::string alpn;               // negotiated protocol ("" none)
    std::string ocsp;               // the stapled OCSP response (DER; "" none)
    std::string error;
    double server_us = 0;           // wall time inside the server's SSL_do_handshake calls (benchmarks)
};

// A TLS server context with no certificate of its own (TLS 1.2+).
ossl::SslCtxPtr make_server_ctx();
// A client context that does not verify (tests check the leaf themselves).
ossl::SslCtxPtr make_client_ctx();

// One full handshake between a new client and a new server SSL over a BIO pair.
HandshakeResult run_handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const ClientOptions& options);

struct RawResult {
    bool accepted = false;   // the server got past the ClientHello (it answered with a ServerHello)
    int alert = -1;          // alert the server sent instead of a ServerHello (-1: none)
};
// Feeds raw bytes (TLS records) to a new server SSL and runs it once.
RawResult feed_server(SSL_CTX* server_ctx, const std::string& bytes);

// A TLS 1.2-style ClientHello record with the given extensions (type, body),
// ECDHE suites, supported_groups and ec_point_formats added unless present.
std::string make_client_hello(const std::vector<std::pair<std::uint16_t, std::string>>& extensions);
// Extension bodies.
std::string sni_body(const std::string& host);
std::string alpn_body(const std::vector<std::string>& protocols);

// The serial number of a certificate in uppercase hex ("" for null).
std::string serial_of(X509* cert);
// The DNS / IP SANs of a certificate, in order.
std::vector<std::string> san_names(X509* cert);
// Whether `cert` carries the RFC 8737 acmeIdentifier extension.
bool has_acme_identifier(X509* cert);

struct ChallengeMaterial {
    std::string cert_pem, key_pem;
};
// An RFC 8737 §3 challenge certificate: self-signed, SAN = identifier, critical
// acmeIdentifier extension with a (random) SHA-256 key authorization digest.
ChallengeMaterial make_challenge_cert(const std::string& identifier);
// A tls-alpn-01 store row for `identifier`, expiring `ttl_s` from now.
storage::Challenge make_challenge_row(const std::string& identifier, long ttl_s = 600);

}  // namespace certa::test
