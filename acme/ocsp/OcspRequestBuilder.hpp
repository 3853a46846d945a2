// What to ask an OCSP responder about one certificate (RFC 6960 §4.1): the
// responder's URL from the leaf's Authority Information Access extension and
// the DER of an unsigned OCSPRequest for the leaf's CertID.
#pragma once

#include <openssl/x509.h>

#include <optional>
#include <string>

namespace certa::acme {

// RFC 5280 §4.2.2.1: the first id-ad-ocsp accessLocation that is a URI;
// nullopt when the leaf names none (then nothing is fetched, quietly).
std::optional<std::string> ocsp_responder_url(X509* leaf);

// RFC 6960 §4.1.1: one Request for the leaf's CertID (SHA-1 of the issuer's
// name and key, RFC 5019 §2.1.1), no nonce (RFC 5019 §2.1: responders
// pre-produce their answers). Throws OcspError when OpenSSL cannot build it.
std::string build_ocsp_request(X509* leaf, X509* issuer);

}  // namespace certa::acme
