// The authorization object (RFC 8555 §7.1.4) and its challenges (§7.1.5) as
// certa reads them from the CA: a pure reader over the response body, kept
// apart from the solver that fetched it (so it can be tested and fuzzed alone).
#pragma once

#include "acme/protocol/Problem.hpp"
#include "acme/request/Identifier.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

struct ChallengeDocument {
    std::optional<std::string> type;   // "http-01", "dns-01", "tls-alpn-01", ...
    std::optional<std::string> url;
    std::optional<std::string> token;
    std::optional<Problem> error;      // the challenge's "error", when it carries one
};

struct AuthorizationDocument {
    std::string status;       // "pending", "valid", "invalid", "deactivated", "expired", "revoked"
    Identifier identifier;    // "*.NAME" when "wildcard" is true (RFC 8555 §7.1.4)
    bool has_challenges = false;              // a "challenges" array was present
    std::vector<ChallengeDocument> challenges;  // its object entries, in order
};

// Parses an authorization. Throws json::JsonError when the body is not a JSON
// object, "status" or "identifier" is missing, or a member certa reads has the
// wrong type; IdentifierError when the identifier's value is not a valid name.
AuthorizationDocument read_authorization(std::string_view json_text);

// The challenge of `type`, or nullptr (the last one when the CA lists it twice).
const ChallengeDocument* find_challenge(const AuthorizationDocument& authz, std::string_view type);
// The offered challenge types, comma separated ("none" when there are none).
std::string challenge_types(const AuthorizationDocument& authz);
// Why an authorization that ended in its status failed: the first challenge
// error, else urn:ietf:params:acme:error:unauthorized "authorization is STATUS".
Problem authorization_failure(const AuthorizationDocument& authz);

}  // namespace certa::acme
