// Reads what the certificate choice depends on from a ClientHello, inside the
// OpenSSL ClientHello callback (SSL_client_hello_get0_ext). OpenSSL has only
// checked the extension framing at that point, so every extension body is
// hostile input: each length is checked against the bytes present, nothing is
// copied beyond a small bound, and a malformed body is reported, not trusted.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <span>
#include <string>

namespace certa::handshake {

// What the client can verify, judged from signature_algorithms (RFC 8446 §4.2.3).
struct SignatureSupport {
    bool listed = false;      // the extension was present and well-formed
    bool ecdsa_p256 = false;  // ecdsa_secp256r1_sha256
    bool ecdsa_p384 = false;  // ecdsa_secp384r1_sha384
    bool ecdsa_any = false;   // any ECDSA scheme (enough below TLS 1.3)
    bool rsa = false;         // rsa_pss_rsae_* or rsa_pkcs1_*
    bool rsa_pss_rsae = false;
};

struct ClientHelloInfo {
    bool has_sni = false;
    bool sni_malformed = false;  // present but unparsable (or over the bound)
    std::string sni;             // host_name as sent (only when well-formed)
    bool has_alpn = false;
    bool alpn_malformed = false;
    bool offers_acme_tls = false;  // "acme-tls/1" among the ALPN offers (RFC 8737 §6.2)
    bool offers_tls13 = false;     // supported_versions lists TLS 1.3
    SignatureSupport signatures;
};

inline constexpr std::size_t kMaxSniBytes = 1024;

// Pure parsers of one extension body each (exposed for tests).
void parse_server_name(std::span<const std::uint8_t> body, ClientHelloInfo& info);
void parse_alpn(std::span<const std::uint8_t> body, ClientHelloInfo& info);
void parse_supported_versions(std::span<const std::uint8_t> body, ClientHelloInfo& info);
void parse_signature_algorithms(std::span<const std::uint8_t> body, ClientHelloInfo& info);

// All of the above from the ClientHello being processed on `ssl` (call only
// from the ClientHello callback).
ClientHelloInfo read_client_hello(SSL* ssl);

}  // namespace certa::handshake
