// The answer an OCSP response (RFC 6960 §4.2.1) gives about ONE certificate:
// the one home of "this response is for this certificate", shared by the ACME
// side (after verifying the signature, acme/ocsp/OcspResponseCheck) and the
// agent (again when it loads a stored response, before stapling it).
#pragma once

#include "storage/StoreTypes.hpp"

#include <openssl/x509.h>

#include <optional>
#include <string>
#include <string_view>

namespace certa::storage {

struct OcspAnswer {
    std::string status;        // "good", "revoked" or "unknown" (RFC 6960 §2.2)
    UnixTime this_update = 0;
    UnixTime next_update = 0;  // 0: none given (RFC 6960 §2.4: newer information is always available)
    UnixTime revoked_at = 0;   // "revoked" only
};

// Parses `der` as an OCSPResponse whose responseStatus is successful and
// whose basic response holds a SingleResponse for `leaf` issued by `issuer`
// (CertID: SHA-1 of the issuer's name and key, the leaf's serial; RFC 6960
// §4.1.1). nullopt when it does not parse, is not successful, or does not
// answer for this certificate. Does NOT check the signature.
std::optional<OcspAnswer> ocsp_answer_for(std::string_view der, X509* leaf, X509* issuer);

// The end of an answer's use: nextUpdate, or one day after thisUpdate when
// the responder gave no nextUpdate (certa never staples such an answer longer).
UnixTime ocsp_answer_expiry(UnixTime this_update, UnixTime next_update);
// True when the answer may be stapled at `now`: thisUpdate not in the future
// (beyond `skew` seconds) and ocsp_answer_expiry not passed.
bool ocsp_answer_current(UnixTime this_update, UnixTime next_update, UnixTime now, UnixTime skew = 300);
// Half-way through the answer's validity (thisUpdate .. ocsp_answer_expiry):
// when certa fetches a fresh one (as certmagic does).
UnixTime ocsp_refresh_time(UnixTime this_update, UnixTime next_update);

}  // namespace certa::storage
