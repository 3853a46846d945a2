#include "acme/challenge/AuthorizationSolver.hpp"

// spdlog before cpprest (acme/protocol/Json.hpp): cpprest defines a macro U that breaks fmt.
#include <spdlog/spdlog.h>

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

Identifier authz_identifier(const json::Value& authz) {
    const json::Value* id = json::find(authz, "identifier");
    if (!id || !id->is_object()) throw json::JsonError("authorization without identifier");
    std::string value = json::required_string(*id, "value");
    // RFC 8555 §7.1.4: a wildcard authorization names the base domain and sets "wildcard".
    if (json::bool_field(authz, "wildcard").value_or(false)) value = "*." + value;
    return Identifier::parse(value);
}

std::string available_types(const json::Value& challenges) {
    std::string out;
    for (const auto& c : challenges.as_array()) {
        if (!c.is_object()) continue;
        if (!out.empty()) out += ", ";
        out += json::string_field(c, "type").value_or("?");
    }
    return out.empty() ? "none" : out;
}

// The error of the failed challenge (or of the authorization) as an AcmeError.
[[noreturn]] void throw_failed(const json::Value& authz, const Identifier& identifier, const char* type,
                               const std::string& status) {
    Problem problem;
    if (const json::Value* challenges = json::find(authz, "challenges"); challenges && challenges->is_array()) {
        for (const auto& c : challenges->as_array()) {
            const json::Value* err = c.is_object() ? json::find(c, "error") : nullptr;
            if (err && err->is_object()) {
                problem = parse_problem(*err);
                break;
            }
        }
    }
    if (problem.type.empty()) {
        problem.type = std::string(kAcmeErrorPrefix) + "unauthorized";
        problem.detail = "authorization is " + status;
    }
    throw AcmeError(problem, std::string(type) + " validation of " + identifier.value + " failed");
}

}  // namespace

void AuthorizationSolver::solve_all(const std::vector<std::string>& authorization_urls,
                                    const std::vector<Identifier>& ordered, PollSchedule::Clock::time_point deadline) {
    const AccountKey& key = client_.account_key();
    std::vector<Pending> pending;
    pending.reserve(authorization_urls.size());  // PresentedGuard keeps pointers
    for (const auto& url : authorization_urls) {
        json::Value authz = json::parse_object(client_.post_as_get(url).body);
        const std::string status = json::required_string(authz, "status");
        Identifier identifier = authz_identifier(authz);
        // RFC 8555 §7.1.4: an order's authorizations are for its identifiers.
        const bool was_ordered = std::any_of(ordered.begin(), ordered.end(), [&](const Identifier& o) {
            return o.kind == identifier.kind && o.value == identifier.value;
        });
        if (!was_ordered)
            throw std::runtime_error("the CA sent an authorization for " + identifier.value +
                                     ", which this order did not ask for");
        if (status == "valid") continue;  // reused authorization
        if (status != "pending") throw_failed(authz, identifier, solver_.type(), status);
        const json::Value* challenges = json::find(authz, "challenges");
        if (!challenges || !challenges->is_array()) throw json::JsonError("authorization without challenges");
        const json::Value* chosen = nullptr;
        for (const auto& c : challenges->as_array())
            if (c.is_object() && json::string_field(c, "type") == std::string(solver_.type())) chosen = &c;
        if (!chosen)
            throw std::runtime_error("the CA offers no " + std::string(solver_.type()) + " challenge for " +
                                     identifier.value + " (offered: " + available_types(*challenges) + ")");
        const std::string token = json::required_string(*chosen, "token");
        if (!is_valid_token(token)) throw std::runtime_error("the CA sent an invalid challenge token");
        pending.push_back(Pending{url, identifier, json::required_string(*chosen, "url"), token,
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
            json::Value authz = json::parse_object(response.body);
            const std::string status = json::required_string(authz, "status");
            if (status == "valid") break;
            if (status != "pending") throw_failed(authz, p.identifier, solver_.type(), status);
            if (!schedule.wait(response.retry_after()))
                throw std::runtime_error("timed out waiting for the CA to validate " + p.identifier.value);
        }
        spdlog::debug("{}: {} is valid", solver_.type(), p.identifier.value);
    }
}

}  // namespace certa::acme
