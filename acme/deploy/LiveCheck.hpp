// After a deploy: is the new certificate what the server now serves? For
// each check address and each name of the certificate, TLS handshakes
// (ServedCertificateProbe) until the served serial is the new one on several
// handshakes in a row: a reload (nginx -s reload) takes effect
// asynchronously, and for a moment after the new workers answer, an old
// worker that has not yet seen its QUIT may still accept a connection and
// serve the old certificate. Attempts are bounded in count and time. A wildcard is asked for as "certa-live-check." +
// its base; IP identifiers are checked (without SNI) only when the
// certificate has no DNS name.
#pragma once

#include "storage/StoreTypes.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace certa::acme {

struct LiveCheckOptions {
    std::chrono::milliseconds per_probe{2000};  // connect, then handshake
    std::chrono::milliseconds window{5000};     // per address and name: retry until then
    std::chrono::milliseconds interval{250};    // between attempts
    int max_attempts = 24;
    int confirmations = 3;                      // consecutive handshakes that must serve the new serial
    std::chrono::milliseconds confirm_interval{100};
};

// "" when every address serves `cert` for every name checked; else one line:
// "NAME at HOST:PORT serves serial X, not Y" (or why the handshake failed).
std::string check_live(const storage::CertificateRecord& cert, const std::vector<std::string>& addresses,
                       const LiveCheckOptions& options = {});

// The names check_live asks for (the SNI values; "" = no SNI).
std::vector<std::string> live_check_names(const storage::CertificateRecord& cert);

}  // namespace certa::acme
