// Memory and open time of the handshake agent as a server process sees them:
// handshake_load runs itself again with --rss-probe, and that fresh process
// opens one agent on the store, waits until every certificate is parsed and
// prints its own RSS growth. (The benchmark process reuses pages freed by its
// earlier phases, which would hide part of the growth.)
#pragma once

#include <cstddef>
#include <string>

namespace certa::bench {

// The probe itself (handshake_load --rss-probe PATH N DER_BYTES). 0 when every
// certificate got parsed.
int rss_probe(const std::string& path, std::size_t n, double der_bytes);

// Runs the probe in a fresh process (this executable again) and waits for it;
// its output goes to our stdout.
void run_rss_probe(const std::string& path, std::size_t n, double der_bytes);

}  // namespace certa::bench
