// tls-alpn-01 (RFC 8737): the RFC 8737 §3 challenge certificate and its key
// are written to the store as a challenge row; a handshake agent (this
// process's temporary one with --tls-port, or `certa serve`) presents it to
// a validator that offers ALPN "acme-tls/1". cleanup() deletes the row.
#pragma once

#include "acme/ChallengeSolver.hpp"
#include "acme/StoredChallenges.hpp"

#include <string>

namespace certa::acme {

class TlsAlpn01Solver : public ChallengeSolver {
public:
    explicit TlsAlpn01Solver(storage::Store& store, long row_lifetime_s = 3600);
    const char* type() const override { return "tls-alpn-01"; }
    void present(const Identifier& identifier, const std::string& token, const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;
    // The agents that answer (`certa serve`, possibly on other hosts) poll the
    // store every 100 ms: give them a few polls before the CA connects. A
    // responder refreshed directly (--tls-port) wraps this solver and waits 0.
    std::chrono::milliseconds settle_time() const override { return kSettleTime; }
    static constexpr std::chrono::milliseconds kSettleTime{500};

private:
    StoredChallenges rows_;
};

}  // namespace certa::acme
