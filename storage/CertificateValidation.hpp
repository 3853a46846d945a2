// The checks every backend runs on a CertificateInput before its write
// transaction starts. Shared so SQLite and PostgreSQL refuse the same inputs.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/StoreTypes.hpp"

#include <string>
#include <vector>

namespace certa::storage {

// Parses the chain, checks the key parses and matches the leaf, and returns
// the leaf's fields. `names` receives the identifiers to index: input.names
// (or the SAN when empty) in canonical form, de-duplicated, each one covered
// by the leaf's SAN. Throws StoreError (kind Invalid); messages never carry
// key material.
ChainInfo validate_certificate(const CertificateInput& input, std::vector<std::string>& names);

}  // namespace certa::storage
