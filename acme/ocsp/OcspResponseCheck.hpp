// Decides whether an OCSP response may be kept for a certificate (RFC 6960
// §3.2): signed by the certificate's issuer, or by a responder the issuer
// delegated with id-kp-OCSPSigning (§4.2.2.2); answering for THIS
// certificate's CertID; current (thisUpdate not in the future, nextUpdate not
// passed). The issuer comes from the stored chain and is the only trust
// anchor: no other CA can vouch for a response.
#pragma once

#include "storage/ocsp/OcspAnswer.hpp"

#include <openssl/x509.h>

#include <string>

namespace certa::acme {

// The answer for `leaf` in `der`; throws OcspError saying what is wrong.
storage::OcspAnswer check_ocsp_response(const std::string& der, X509* leaf, X509* issuer, storage::UnixTime now);

}  // namespace certa::acme
