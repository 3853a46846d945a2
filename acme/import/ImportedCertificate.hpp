// One certificate read for `certa import`, checked as the store will check
// it (storage::validate_certificate: the chain parses, the key parses and is
// the leaf's), so that a bad input is refused before anything is written.
#pragma once

#include "acme/import/ImportPlan.hpp"
#include "storage/base/OpenSsl.hpp"

#include <string>
#include <vector>

namespace certa::acme {

// certa's key type name of a certificate key (storage::key_type_name): one
// of storage::kKeyTypes, "ec<bits>" / "rsa<bits>" for other sizes, "" for
// other algorithms.
std::string key_type_of(EVP_PKEY* key);
// True for the key types `certa issue --key-type` takes (storage::kKeyTypes).
bool renewable_key_type(const std::string& key_type);

// Throws ImportError naming `label` (never key material). `names` empty: the SAN.
ImportedCertificate make_imported_certificate(const std::string& label, const std::string& source,
                                              const std::string& chain_pem, const std::string& key_pem,
                                              const std::vector<std::string>& names = {});

}  // namespace certa::acme
