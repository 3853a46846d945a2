// --preferred-chain: among the default chain and its alternates (RFC 8555
// §7.4.2, Link rel="alternate"), the first whose top certificate was issued by
// a CA with the given common name.
#pragma once

#include <string>

namespace certa::acme {

// The issuer CN of the last certificate in a PEM chain ("" when none).
std::string top_issuer_cn(const std::string& chain_pem);
// True when `preferred_cn` is empty or matches top_issuer_cn (case-sensitive, as certbot).
bool chain_matches(const std::string& chain_pem, const std::string& preferred_cn);

}  // namespace certa::acme
