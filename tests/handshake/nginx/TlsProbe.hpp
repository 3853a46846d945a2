// A TLS client over a real loopback TCP connection, for tests of servers run
// as separate processes (nginx): one handshake with the given SNI, ALPN
// offers, signature algorithms and highest version; reports what the server
// presented. It does not verify: the tests check the leaf themselves (and use
// openssl s_client / curl where full verification is the point).
#pragma once

#include "tests/support/Subprocess.hpp"

#include <string>
#include <vector>

namespace certa::test {

struct ProbeOptions {
    std::string sni;                 // "" sends none
    std::vector<std::string> alpn;   // empty: no ALPN extension
    std::string sigalgs;             // SSL_set1_sigalgs_list ("" default)
    int max_version = 0;             // e.g. TLS1_2_VERSION; 0: library default
};

struct ProbeResult {
    bool ok = false;
    std::string serial;               // leaf serial, uppercase hex
    std::vector<std::string> names;   // leaf SANs
    std::string key_type;             // "EC" or "RSA"
    std::string alpn;                 // negotiated protocol
    bool acme_identifier = false;     // RFC 8737 acmeIdentifier extension present
    std::string error;
};

// ProbeOptions in one expression.
inline ProbeOptions probe(std::string sni, std::vector<std::string> alpn = {}, std::string sigalgs = "",
                          int max_version = 0) {
    ProbeOptions o;
    o.sni = std::move(sni);
    o.alpn = std::move(alpn);
    o.sigalgs = std::move(sigalgs);
    o.max_version = max_version;
    return o;
}

ProbeResult tls_probe(int port, const ProbeOptions& options);
// Full verification by real clients, of `name` on 127.0.0.1:`port` against
// the trust anchors in `ca_file` (20 s at most): `openssl s_client
// -verify_return_error -verify_hostname` (-brief: "Verification: OK" on
// stderr), and `curl https://name:port/` (the body on stdout).
RunResult s_client(int port, const std::string& name, const std::string& ca_file);
RunResult curl(int port, const std::string& name, const std::string& ca_file);

// Whether 127.0.0.1:`port` accepts a TCP connection now.
bool tcp_accepts(int port);

}  // namespace certa::test
