// RFC 7515 flattened JSON serialization of ACME requests (RFC 8555 §6.2).
// Every function returns the request body for Content-Type application/jose+json.
#pragma once

#include "acme/protocol/AccountKey.hpp"

#include <string>

namespace certa::acme {

inline constexpr const char* kJoseContentType = "application/jose+json";

// Protected header {"alg","jwk","nonce","url"} — newAccount and revocation by
// certificate key. payload "" means POST-as-GET (RFC 8555 §6.3).
std::string jws_with_jwk(const AccountKey& key, const std::string& url, const std::string& nonce,
                         const std::string& payload);
// Protected header {"alg","kid","nonce","url"} — every other request.
std::string jws_with_kid(const AccountKey& key, const std::string& kid, const std::string& url,
                         const std::string& nonce, const std::string& payload);
// RFC 8555 §7.3.5 inner JWS for keyChange: header {"alg","jwk","url"} (no
// nonce) signed by the NEW key; payload {"account": kid, "oldKey": old jwk}.
std::string key_change_inner_jws(const AccountKey& new_key, const AccountKey& old_key,
                                 const std::string& kid, const std::string& key_change_url);

}  // namespace certa::acme
