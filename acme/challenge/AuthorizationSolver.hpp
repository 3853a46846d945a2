// Solves the authorizations of one order (RFC 8555 §7.5): for each pending
// authorization, pick the challenge of the requested type, present it
// through the ChallengeSolver, tell the CA to validate ({}), and poll until
// every authorization is valid. A failed authorization throws AcmeError
// carrying the challenge's own error (e.g. urn:ietf:params:acme:error:connection).
// Whatever happens, everything presented is cleaned up before returning.
// An authorization for an identifier the order did not ask for is refused
// before any challenge is presented (no hook runs, no challenge row).
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/protocol/PollSchedule.hpp"
#include "acme/request/Identifier.hpp"

#include <string>
#include <vector>

namespace certa::acme {

class AuthorizationSolver {
public:
    AuthorizationSolver(AcmeClient& client, ChallengeSolver& solver) : client_(client), solver_(solver) {}
    void solve_all(const std::vector<std::string>& authorization_urls, const std::vector<Identifier>& ordered,
                   PollSchedule::Clock::time_point deadline);

private:
    AcmeClient& client_;
    ChallengeSolver& solver_;
};

}  // namespace certa::acme
