// Whether a set of IssueSettings can be used to issue or renew: the checks
// that need the solvers' and deploy targets' own parsers (dns resolvers,
// certbot lineage names, --deploy / --deploy-check), so they live above
// acme/challenge and acme/deploy rather than beside IssueSettings.
#pragma once

#include "acme/request/IssueSettings.hpp"

#include <string>

namespace certa::acme {

// "" when valid, else a one-line reason (unknown challenge or key type, ...).
std::string validate(const IssueSettings& settings);

}  // namespace certa::acme
