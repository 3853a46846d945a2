// The parsed-certificate budget of one agent (AgentOptions::max_parsed_certificates).
// Every CertEntry of the agent counts itself here while it holds parsed
// material; the agent's watcher evicts entries (CLOCK: those not used since
// its previous sweep) while the count is over the limit. A parsed entry costs
// ~6.6 KB of OpenSSL objects (X509 ~4.3 KB, of which its public EVP_PKEY
// ~2.1 KB, plus the private EVP_PKEY ~2.3 KB for P-256), so the limit bounds
// the agent's memory; a handshake on an evicted entry parses it again.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace certa::handshake {

struct ParseBudget {
    explicit ParseBudget(std::size_t max_parsed) : limit(max_parsed) {}
    // 0: unlimited. Otherwise entries keep their PEM to be parsed again after an eviction.
    const std::size_t limit;
    std::atomic<std::size_t> parsed{0};       // entries holding parsed material now
    std::atomic<std::uint64_t> evictions{0};  // parsed material dropped for the limit
};

}  // namespace certa::handshake
