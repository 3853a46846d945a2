// The OCSP step that `certa renew` and `certa worker` run before renewing
// (acme::OcspRefresher): refreshes the stored OCSP responses that are due, so
// that a "revoked" answer is renewed by the same run. A failure is logged and
// reported as a line; only a store failure (StoreError: locked, read-only,
// full disk) is thrown, so that the command ends with its one line and exit 3.
#pragma once

#include "acme/ocsp/OcspRefresher.hpp"

#include <string>
#include <vector>

namespace certa::cli {

std::vector<acme::OcspOutcome> run_ocsp_step(storage::Store& store);

// "NAME: OCSP revoked, renewal scheduled now" / "NAME: OCSP failed: ..."; ""
// for outcomes worth no line (good, none).
std::string ocsp_text_line(const acme::OcspOutcome& o);

}  // namespace certa::cli
