// A failed OCSP fetch or a response that must not be kept (unreachable
// responder, bad signature, a response for another certificate, expired).
// what(): one line, no secrets.
#pragma once

#include <stdexcept>

namespace certa::acme {

class OcspError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace certa::acme
