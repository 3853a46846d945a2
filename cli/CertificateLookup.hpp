// Finds the certificate a command line names.
#pragma once

#include "storage/Store.hpp"

#include <string>

namespace certa::cli {

// The active certificate for `name`; when there is none, the newest inactive
// (replaced or revoked) one. Throws CliError(NotFound) when the store has no
// certificate under that name. `name` is looked up in its canonical form
// (storage/names/NameNormalizer, as `certa issue` and `certa import` store it). `columns`: leave the key unread unless the
// caller uses it.
storage::CertificateRecord find_certificate(storage::Store& store, const std::string& name,
                                            storage::CertificateColumns columns = storage::CertificateColumns::All);

}  // namespace certa::cli
