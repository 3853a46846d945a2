// RFC 8555 §8.1 key authorization. Secret while the challenge is pending.
#pragma once

#include "acme/protocol/AccountKey.hpp"

#include <string>

namespace certa::acme {

// token "." base64url(JWK thumbprint)
std::string key_authorization(const std::string& token, const AccountKey& key);

}  // namespace certa::acme
