// Fuzz target: the readers of what an ACME CA sends back (RFC 8555 §7.1):
// problem documents (acme/protocol/Problem.*), the directory
// (acme/protocol/Directory.*), orders (acme/issue/OrderDocument.*) and
// authorizations with their challenges (acme/challenge/AuthorizationDocument.*).
// Every reader runs on every input. A malformed document must end in
// json::JsonError (or IdentifierError for an authorization's identifier);
// problem parsing never throws and always yields a one-line summary.
#include "acme/challenge/AuthorizationDocument.hpp"
#include "acme/issue/OrderDocument.hpp"
#include "acme/protocol/Directory.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/protocol/Problem.hpp"

#include "FuzzCheck.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace certa::acme;

namespace {

void check_one_line(const Problem& problem) {
    const std::string summary = problem.summary();
    FUZZ_CHECK(summary.find_first_of("\r\n") == std::string::npos);
    FUZZ_CHECK(!summary.empty());
    const AcmeError error(problem, "fuzz");
    FUZZ_CHECK(std::string_view(error.what()).find_first_of("\r\n") == std::string_view::npos);
}

void problem_document(std::string_view text) {
    HttpResponse response;
    response.status = 400;
    response.body = std::string(text);
    const Problem problem = parse_problem(response);  // tolerant: never throws
    FUZZ_CHECK(!problem.type.empty());
    FUZZ_CHECK(problem.status != 0);
    (void)problem.is("badNonce");
    check_one_line(problem);
}

void directory(std::string_view text) {
    try {
        const Directory d = parse_directory(text, "https://ca.test/dir");
        FUZZ_CHECK(d.url == "https://ca.test/dir");
    } catch (const json::JsonError&) {
    }
}

void order(std::string_view text) {
    try {
        const OrderDocument o = read_order(text);
        const Problem failure = order_failure(o);
        FUZZ_CHECK(!failure.type.empty());
        check_one_line(failure);
        try { (void)json::require_member(o.finalize, "finalize"); } catch (const json::JsonError&) {}
    } catch (const json::JsonError&) {
    }
}

void authorization(std::string_view text) {
    try {
        const AuthorizationDocument a = read_authorization(text);
        FUZZ_CHECK(!a.identifier.value.empty());
        FUZZ_CHECK(a.has_challenges || a.challenges.empty());
        for (const char* type : {"http-01", "dns-01", "tls-alpn-01"})
            if (const ChallengeDocument* c = find_challenge(a, type)) FUZZ_CHECK(c->type == type);
        (void)challenge_types(a);
        const Problem failure = authorization_failure(a);
        FUZZ_CHECK(!failure.type.empty());
        check_one_line(failure);
    } catch (const json::JsonError&) {
    } catch (const IdentifierError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    problem_document(text);
    directory(text);
    order(text);
    authorization(text);
    return 0;
}
