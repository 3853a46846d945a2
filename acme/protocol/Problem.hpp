// RFC 8555 §6.7 / RFC 7807 problem documents and the exception that carries one.
#pragma once

#include "acme/protocol/HttpClient.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace web::json { class value; }

namespace certa::acme {

inline constexpr std::string_view kAcmeErrorPrefix = "urn:ietf:params:acme:error:";

struct Problem {
    std::string type;                  // e.g. "urn:ietf:params:acme:error:badNonce"
    std::string detail;
    int status = 0;                    // HTTP status (from the document, else the response)
    std::vector<Problem> subproblems;  // RFC 8555 §6.7.1
    std::string identifier;            // subproblem identifier value ("" for the top level)

    // True when type is the ACME error `name` ("badNonce" ↔ urn:ietf:params:acme:error:badNonce).
    bool is(std::string_view name) const;
    // "type: detail" (detail omitted when empty), subproblems appended as "; identifier: type: detail".
    std::string summary() const;
};

// A request the CA refused. what() is one line: "context: type: detail".
class AcmeError : public std::runtime_error {
public:
    AcmeError(Problem problem, std::string context,
              std::optional<std::chrono::seconds> retry_after = std::nullopt);
    const Problem& problem() const noexcept { return problem_; }
    const std::string& context() const noexcept { return context_; }
    std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }

private:
    Problem problem_;
    std::string context_;
    std::optional<std::chrono::seconds> retry_after_;
};

// Parses a response body as a problem document. Tolerant: a non-JSON or
// malformed body yields type "about:blank" and a detail naming the HTTP status.
Problem parse_problem(const HttpResponse& response);
// Parses a problem object that is embedded in another document (e.g. a
// challenge's "error" member). Missing members stay empty.
Problem parse_problem(const web::json::value& object);

}  // namespace certa::acme
