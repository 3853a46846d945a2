// The certificate profile a request names, checked against the ones the CA
// lists (draft-ietf-acme-profiles §3: directory meta.profiles) before an
// order is placed.
#pragma once

#include "acme/protocol/Directory.hpp"

#include <stdexcept>
#include <string>

namespace certa::acme {

// A request certa refuses before talking to the CA (e.g. an unknown profile).
class OrderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws OrderError when the CA lists profiles (directory meta.profiles) and
// `profile` is not one of them. An empty profile, or a CA that lists none,
// passes. The message is one printable line whatever the CA's names hold.
void check_profile(const Directory& directory, const std::string& profile);

}  // namespace certa::acme
