// Test-only OCSP responses (RFC 6960) built in memory with OpenSSL: any
// status, any thisUpdate/nextUpdate, signed by any certificate and key, so
// that tests can hand the checks and the agent good, revoked, expired,
// wrong-certificate and badly signed responses without a responder.
#pragma once

#include <string>

namespace certa::test {

struct OcspSpec {
    bool revoked = false;
    long this_update_offset_s = -60;     // from now
    long next_update_offset_s = 86400;   // from now
};

// DER of a successful OCSPResponse whose one SingleResponse is for `leaf_pem`
// issued by `issuer_pem` (CertID with SHA-1), signed with `signer_key_pem` by
// `signer_cert_pem` (included in the response's certs).
std::string make_ocsp_response(const std::string& leaf_pem, const std::string& issuer_pem,
                               const std::string& signer_cert_pem, const std::string& signer_key_pem,
                               const OcspSpec& spec = {});

}  // namespace certa::test
