// The decision made at ClientHello time, given a snapshot: which certificate
// (challenge, leaf, default) goes on the connection, or which alert ends it.
// Also the ALPN choice that goes with it. No I/O beyond getsockname().
// With MissHandling::may_pause, a leaf not held parsed pauses the ClientHello
// (SSL_CLIENT_HELLO_RETRY) while its row loads on the loader threads; the
// callback may then run again on the same SSL and decides afresh.
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/agent/CertSelector.hpp"
#include "handshake/agent/MaintenanceQueue.hpp"
#include "handshake/agent/MaterialCache.hpp"
#include "handshake/agent/Snapshot.hpp"
#include "handshake/hello/ClientHelloInfo.hpp"

#include <openssl/ssl.h>

#include <string>

namespace certa::handshake {

inline constexpr const char* kAcmeTlsProtocol = "acme-tls/1";

class ClientHelloHandler {
public:
    // Leaves get their material from `cache`, which must outlive the handler;
    // served leaves are told to `maintenance` (may be null), likewise.
    ClientHelloHandler(const AgentOptions& options, MaterialCache& cache, MaintenanceQueue* maintenance = nullptr);

    // Returns SSL_CLIENT_HELLO_SUCCESS (certificate set on `ssl`, or left as the
    // context's when so configured) or SSL_CLIENT_HELLO_ERROR with *alert set,
    // or (miss->may_pause) SSL_CLIENT_HELLO_RETRY with miss->pending set.
    int handle(SSL* ssl, int* alert, const Snapshot& snapshot, Selection& selection,
               MissHandling* miss = nullptr) const;

    // ALPN for a connection whose ClientHello produced `selection`: acme-tls/1
    // for a challenge, else the first of options.alpn the client offers.
    // Returns SSL_TLSEXT_ERR_OK (with out/outlen pointing into `in`) or
    // SSL_TLSEXT_ERR_NOACK / SSL_TLSEXT_ERR_ALERT_FATAL.
    int select_alpn(const Selection* selection, const unsigned char** out, unsigned char* outlen,
                    const unsigned char* in, unsigned int inlen) const;

    // The steps of handle(), also used by HostSelection (certificate callback
    // of a host that owns SNI/ALPN). The RFC 8737 challenge certificate for
    // `sni`, or SSL_CLIENT_HELLO_ERROR (unrecognized_name) when none is pending.
    int serve_challenge(SSL* ssl, int* alert, const Snapshot& snapshot, const std::string& sni,
                        bool sni_present, Selection& selection) const;
    // The leaf for `hello` (exact, wildcard, local IP without SNI, then
    // `default_name`, already normalized, "" for none). Nothing matched:
    // SSL_CLIENT_HELLO_SUCCESS with selection.kind None and `ssl` untouched
    // when `fallback`, else SSL_CLIENT_HELLO_ERROR (unrecognized_name).
    int serve_leaf(SSL* ssl, int* alert, const ClientHelloInfo& hello, const Snapshot& snapshot,
                   const std::string& default_name, bool fallback, Selection& selection,
                   MissHandling* miss = nullptr) const;
    // The normalized identifier a challenge for `sni` is stored under (RFC
    // 8738 §6: a reverse-DNS name maps back to its IP), or "" when invalid.
    static std::string challenge_identifier(const std::string& sni);

private:
    MaterialCache& cache_;
    MaintenanceQueue* maintenance_;
    std::string default_name_;  // normalized ("" when none)
    std::vector<std::string> alpn_;
    bool fallback_to_context_;
};

}  // namespace certa::handshake
