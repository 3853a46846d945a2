// One TLS handshake as a client, to see which certificate a server serves
// for a name: the leaf's serial, in the store's spelling (uppercase hex of the
// DER INTEGER content, CertificateRecord::serial_hex). No chain or name
// verification: the serial is compared with the one just deployed.
#pragma once

#include "acme/deploy/CheckAddress.hpp"

#include <chrono>
#include <string>

namespace certa::acme {

struct ProbeResult {
    std::string serial_hex;  // set when the handshake gave a certificate
    std::string error;       // else why not (one line)
};

// `sni` empty: no server_name extension (IP identifiers, RFC 6066 §3).
// Bounded by `timeout` for the connect and again for the handshake.
ProbeResult probe_served_certificate(const CheckAddress& address, const std::string& sni,
                                     std::chrono::milliseconds timeout);

}  // namespace certa::acme
