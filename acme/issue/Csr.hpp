// The certificate signing request sent to finalize (RFC 8555 §7.4): every
// identifier in subjectAltName, the first DNS name (if short enough) as CN.
#pragma once

#include "acme/request/Identifier.hpp"

#include <openssl/evp.h>

#include <string>
#include <vector>

namespace certa::acme {

// DER bytes of a PKCS#10 request signed with `key`. Throws std::runtime_error on failure.
std::string make_csr_der(const std::vector<Identifier>& identifiers, EVP_PKEY* key);

}  // namespace certa::acme
