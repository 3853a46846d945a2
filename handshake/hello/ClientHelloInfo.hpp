// What certa learns from a TLS ClientHello: the server name, the ALPN offers
// and what the client can verify. One struct for both readers of a hello: the
// agent's OpenSSL ClientHello callback (ClientHelloReader) and the daemon's
// look at the bytes before TLS starts (ClientHelloPeek).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace certa::handshake {

// A host_name longer than this is refused without being copied.
inline constexpr std::size_t kMaxSniBytes = 1024;
// ALPN names kept in ClientHelloInfo::alpn (all are looked at for acme-tls/1).
inline constexpr std::size_t kMaxAlpnKept = 16;

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
    bool sni_malformed = false;  // present but unparsable (or over kMaxSniBytes)
    std::string sni;             // host_name as sent (only when well-formed)
    bool has_alpn = false;
    bool alpn_malformed = false;
    std::vector<std::string> alpn;  // the first kMaxAlpnKept offers, in the client's order (RFC 7301 §3.1)
    bool offers_acme_tls = false;   // "acme-tls/1" among all the ALPN offers (RFC 8737 §6.2)
    bool offers_tls13 = false;      // supported_versions lists TLS 1.3
    SignatureSupport signatures;

    // `protocol` among the kept ALPN offers.
    bool offers(std::string_view protocol) const;
};

}  // namespace certa::handshake
