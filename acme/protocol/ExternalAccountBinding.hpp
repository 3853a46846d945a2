// RFC 8555 §7.3.4 external account binding.
#pragma once

#include "acme/protocol/AccountKey.hpp"

#include <string>

namespace certa::acme {

struct EabCredentials {
    std::string kid;       // key identifier the CA handed out
    std::string hmac_key;  // base64url HMAC key (secret)
};

// The JSON text of the "externalAccountBinding" member: an HS256 JWS whose
// protected header is {"alg":"HS256","kid":KID,"url":NEW_ACCOUNT_URL} and whose
// payload is the account's JWK. Throws KeyError when the HMAC key is not
// valid base64url or empty (the message never contains the key).
std::string external_account_binding(const EabCredentials& eab, const AccountKey& account_key,
                                     const std::string& new_account_url);

}  // namespace certa::acme
