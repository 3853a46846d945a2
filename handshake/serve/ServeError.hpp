// Failures of the `certa serve` daemon itself (not of single connections,
// which are only logged): an address that cannot be bound, bad options.
#pragma once

#include <stdexcept>
#include <string>

namespace certa::handshake {

class ServeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace certa::handshake
