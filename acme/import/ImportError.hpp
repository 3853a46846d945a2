// The input of `certa import` is malformed or inconsistent: a JWK that is not
// a private key, a certificate whose key does not match, a chain that does
// not parse, a renewal conf that cannot be read. The CLI maps it to exit
// code 6 (ImportInvalid). Messages name the file and the member, never key
// material.
#pragma once

#include <stdexcept>
#include <string>

namespace certa::acme {

class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace certa::acme
