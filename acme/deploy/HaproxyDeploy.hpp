// Pushes a certificate into a running HAProxy without a reload, through its
// runtime API (HaproxyRuntimeApi), and writes the same PEM (leaf, chain,
// key) to CRT-PATH so that a reload or restart keeps it:
//   known to HAProxy:  set ssl cert CRT-PATH <<PEM, commit ssl cert CRT-PATH
//   new to HAProxy (set answers "not referenced by the configuration"):
//                      new ssl cert, set, commit, add ssl crt-list LIST CRT-PATH
// So a CRT-PATH HAProxy has not loaded is taken as a new certificate.
// Without CRT-PATH the path HAProxy names is checked first
// (HaproxyCrtPath.hpp: within its crt-lists' directories, allowed by
// `policy`). A failed set or commit aborts the transaction. Errors: HaproxyError (from
// HAProxy, one line) or LocalFileError (the file).
#pragma once

#include "acme/deploy/HaproxyTarget.hpp"
#include "acme/request/LocalPolicy.hpp"
#include "storage/StoreTypes.hpp"

#include <string>

namespace certa::acme {

// Returns the CRT-PATH used (the target's, or the loaded NAME.pem).
std::string deploy_to_haproxy(const HaproxyTarget& target, const storage::CertificateRecord& cert,
                              const LocalPolicy& policy);

}  // namespace certa::acme
