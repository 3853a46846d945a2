// subjectAltName entries for identifiers: dNSName for DNS names, iPAddress
// (RFC 8738 §3) for IP addresses. Shared by the CSR and the RFC 8737
// challenge certificate.
#pragma once

#include "acme/request/Identifier.hpp"
#include "storage/base/OpenSsl.hpp"

#include <vector>

namespace certa::acme {

// A DER-ready subjectAltName extension (not critical). Throws std::runtime_error on failure.
ossl::X509ExtPtr subject_alt_names(const std::vector<Identifier>& identifiers);

}  // namespace certa::acme
