// RFC 8737 §3: the self-signed certificate a tls-alpn-01 responder presents.
// It names exactly the identifier being validated (dNSName, or iPAddress per
// RFC 8738 §4) and carries the critical acmeIdentifier extension
// (id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31) whose value is the DER encoding
// of an OCTET STRING holding SHA-256(key authorization).
#pragma once

#include "acme/request/Identifier.hpp"

#include <string>

namespace certa::acme {

inline constexpr const char* kAcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

struct TlsAlpnChallengeCertificate {
    std::string cert_pem;
    std::string key_pem;  // secret
    long long not_after = 0;  // Unix seconds

    // Generates a fresh P-256 key and the certificate, valid for `validity_s` seconds.
    static TlsAlpnChallengeCertificate create(const Identifier& identifier, const std::string& key_authorization,
                                              long validity_s = 7 * 24 * 3600);
};

// The extension's value (the DER OCTET STRING), exposed for tests and responders.
std::string acme_identifier_extension_value(const std::string& key_authorization);

}  // namespace certa::acme
