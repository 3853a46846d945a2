// A name (DNS name, wildcard or IP address) that certa refuses: from the
// command line, a certificate's subjectAltName, an ACME authorization. The
// message names the input with control and non-ASCII bytes escaped, so it
// always fits on one line.
#pragma once

#include <stdexcept>

namespace certa::storage {

class NameError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

}  // namespace certa::storage
