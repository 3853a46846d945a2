// Finds the certificate a command line names.
#pragma once

#include "storage/Store.hpp"

#include <string>

namespace certa::cli {

// Identifier as the store indexes it: lowercase, trimmed, trailing dot dropped.
std::string normalize_name(const std::string& name);

// The active certificate for `name`; when there is none, the newest inactive
// (replaced or revoked) one. Throws CliError(NotFound) when the store has no
// certificate under that name. `columns`: leave the key unread unless the
// caller uses it.
storage::CertificateRecord find_certificate(storage::Store& store, const std::string& name,
                                            storage::CertificateColumns columns = storage::CertificateColumns::All);

}  // namespace certa::cli
