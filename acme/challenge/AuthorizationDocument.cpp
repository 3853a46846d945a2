#include "acme/challenge/AuthorizationDocument.hpp"

#include "acme/protocol/Json.hpp"

namespace certa::acme {
namespace {

Identifier read_identifier(const json::Value& authz) {
    const json::Value* id = json::find(authz, "identifier");
    if (!id || !id->is_object()) throw json::JsonError("authorization without identifier");
    std::string value = json::required_string(*id, "value");
    // RFC 8555 §7.1.4: a wildcard authorization names the base domain and sets "wildcard".
    if (json::bool_field(authz, "wildcard").value_or(false)) value = "*." + value;
    return Identifier::parse(value);
}

ChallengeDocument read_challenge(const json::Value& challenge) {
    ChallengeDocument out;
    out.type = json::string_field(challenge, "type");
    out.url = json::string_field(challenge, "url");
    out.token = json::string_field(challenge, "token");
    if (const json::Value* err = json::find(challenge, "error"); err && err->is_object())
        out.error = parse_problem(*err);
    return out;
}

}  // namespace

AuthorizationDocument read_authorization(std::string_view json_text) {
    const json::Value authz = json::parse_object(json_text);
    AuthorizationDocument out;
    out.status = json::required_string(authz, "status");
    out.identifier = read_identifier(authz);
    if (const json::Value* challenges = json::find(authz, "challenges"); challenges && challenges->is_array()) {
        out.has_challenges = true;
        for (const auto& c : challenges->as_array())
            if (c.is_object()) out.challenges.push_back(read_challenge(c));
    }
    return out;
}

const ChallengeDocument* find_challenge(const AuthorizationDocument& authz, std::string_view type) {
    const ChallengeDocument* chosen = nullptr;
    for (const auto& c : authz.challenges)
        if (c.type == type) chosen = &c;
    return chosen;
}

std::string challenge_types(const AuthorizationDocument& authz) {
    std::string out;
    for (const auto& c : authz.challenges) {
        if (!out.empty()) out += ", ";
        out += c.type.value_or("?");
    }
    return out.empty() ? "none" : out;
}

Problem authorization_failure(const AuthorizationDocument& authz) {
    Problem problem;
    for (const auto& c : authz.challenges) {
        if (c.error) {
            problem = *c.error;
            break;
        }
    }
    if (problem.type.empty()) {
        problem.type = std::string(kAcmeErrorPrefix) + "unauthorized";
        problem.detail = "authorization is " + authz.status;
    }
    return problem;
}

}  // namespace certa::acme
