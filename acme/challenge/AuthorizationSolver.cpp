#include "acme/challenge/AuthorizationSolver.hpp"

// spdlog before cpprest (acme/protocol/Json.hpp): cpprest defines a macro U that breaks fmt.
#include <spdlog/spdlog.h>

#include "acme/challenge/AuthorizationDocument.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/protocol/KeyAuthorization.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace certa::acme {
namespace {

struct Pending {
    std::string authz_url;
    Identifier identifier;
    std::string challenge_url;
    std::string token;
    std::string key_authorization;
};

// Cleans up every presented challenge on scope exit (success or failure).
class PresentedGuard {
public:
    explicit PresentedGuard(ChallengeSolver& solver) : solver_(solver) {}
    ~PresentedGuard() {
        for (const auto* p : presented_) solver_.cleanup(p->identifier, p->token, p->key_authorization);
    }
    void add(const Pending& p) { presented_.push_back(&p); }

private:
    ChallengeSolver& solver_;
    std::vector<const Pending*> presented_;
};

// The failed authorization's problem as an AcmeError.
[[noreturn]] void throw_failed(const AuthorizationDocument& authz, const Identifier& identifier, const char* type) {
    throw AcmeError(authorization_failure(authz), std::string(type) + " validation of " + identifier.value + " failed");
}

}  // namespace

void AuthorizationSolver::solve_all(const std::vector<std::string>& authorization_urls,
                                    const std::vector<Identifier>& ordered, PollSchedule::Clock::time_point deadline) {
    const AccountKey& key = client_.account_key();
    std::vector<Pending> pending;
    pending.reserve(authorization_urls.size());  // PresentedGuard keeps pointers
    for (const auto& url : authorization_urls) {
        const AuthorizationDocument authz = read_authorization(client_.post_as_get(url).body);
        const Identifier& identifier = authz.identifier;
        // RFC 8555 §7.1.4: an order's authorizations are for its identifiers.
        const bool was_ordered = std::any_of(ordered.begin(), ordered.end(), [&](const Identifier& o) {
            return o.kind == identifier.kind && o.value == identifier.value;
        });
        if (!was_ordered)
            throw std::runtime_error("the CA sent an authorization for " + identifier.value +
                                     ", which this order did not ask for");
        if (authz.status == "valid") continue;  // reused authorization
        if (authz.status != "pending") throw_failed(authz, identifier, solver_.type());
        if (!authz.has_challenges) throw json::JsonError("authorization without challenges");
        const ChallengeDocument* chosen = find_challenge(authz, solver_.type());
        if (!chosen)
            throw std::runtime_error("the CA offers no " + std::string(solver_.type()) + " challenge for " +
                                     identifier.value + " (offered: " + challenge_types(authz) + ")");
        const std::string& token = json::require_member(chosen->token, "token");
        if (!is_valid_token(token)) throw std::runtime_error("the CA sent an invalid challenge token");
        pending.push_back(Pending{url, identifier, json::require_member(chosen->url, "url"), token,
                                  key_authorization(token, key)});
    }

    PresentedGuard guard(solver_);
    for (const auto& p : pending) {
        guard.add(p);
        solver_.present(p.identifier, p.token, p.key_authorization);
    }
    if (!pending.empty()) solver_.settle();
    // RFC 8555 §7.5.1: an empty object tells the CA the challenge is ready.
    for (const auto& p : pending) {
        spdlog::debug("{}: asking the CA to validate {}", solver_.type(), p.identifier.value);
        client_.post(p.challenge_url, "{}");
    }
    for (const auto& p : pending) {
        PollSchedule schedule(deadline);
        while (true) {
            HttpResponse response = client_.post_as_get(p.authz_url);
            const AuthorizationDocument authz = read_authorization(response.body);
            if (authz.status == "valid") break;
            if (authz.status != "pending") throw_failed(authz, p.identifier, solver_.type());
            if (!schedule.wait(response.retry_after()))
                throw std::runtime_error("timed out waiting for the CA to validate " + p.identifier.value);
        }
        spdlog::debug("{}: {} is valid", solver_.type(), p.identifier.value);
    }
}

}  // namespace certa::acme
