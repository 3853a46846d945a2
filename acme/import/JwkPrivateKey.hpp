// A private key in JWK form (RFC 7517; RFC 7518 §6.2.2 EC, §6.3.2 RSA), as
// certbot keeps its account key (accounts/.../private_key.json). Accepted:
// EC P-256 / P-384 ("crv","x","y","d") and RSA ("n","e","d" with all of
// "p","q","dp","dq","qi" or none). The key is checked by a signature made
// with the private half and verified with the public half, so a JWK whose
// members do not belong together is refused.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <string_view>

namespace certa::acme {

// Throws ImportError naming the member at fault (never its value).
ossl::PKeyPtr jwk_private_key(std::string_view jwk_json);

}  // namespace certa::acme
