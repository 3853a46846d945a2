#include "acme/challenge/ChallengeSetup.hpp"

#include "acme/challenge/Dns01Solver.hpp"
#include "acme/challenge/Http01Solver.hpp"
#include "acme/challenge/TlsAlpn01Solver.hpp"
#include "storage/ChallengeType.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace certa::acme {

std::unique_ptr<ChallengeSolver> make_solver(const IssueSettings& settings, storage::Store& store) {
    switch (storage::challenge_type_from(settings.challenge)) {  // throws std::invalid_argument
        case storage::ChallengeType::Http01:
            return std::make_unique<Http01Solver>(store, Http01Options{settings.webroot});
        case storage::ChallengeType::Dns01: return std::make_unique<Dns01Solver>(dns01_options(settings));
        case storage::ChallengeType::TlsAlpn01: return std::make_unique<TlsAlpn01Solver>(store);
    }
    throw std::invalid_argument(storage::unknown_challenge_type(settings.challenge));
}

std::unique_ptr<Http01Responder> start_http_responder(const IssueSettings& settings, storage::Store& store) {
    if (storage::parse_challenge_type(settings.challenge) != storage::ChallengeType::Http01 || !settings.webroot.empty()) return nullptr;
    try {
        return std::make_unique<Http01Responder>(store, Http01ResponderOptions{settings.http_address, settings.http_port});
    } catch (const Http01ResponderError& e) {
        if (!e.address_in_use()) throw;
        spdlog::warn("{}; relying on another http-01 responder that reads this store (e.g. certa serve --http)",
                     e.what());
        return nullptr;
    }
}

}  // namespace certa::acme
