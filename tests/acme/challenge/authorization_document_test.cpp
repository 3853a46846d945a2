// RFC 8555 §7.1.4 authorization objects and their challenges (AuthorizationDocument).
#include "acme/challenge/AuthorizationDocument.hpp"
#include "acme/protocol/Json.hpp"

#include <doctest/doctest.h>

using namespace certa::acme;

TEST_CASE("a pending authorization offers its challenges") {
    const AuthorizationDocument a = read_authorization(R"({"status":"pending",
        "identifier":{"type":"dns","value":"Example.TEST"},
        "challenges":[{"type":"http-01","url":"https://ca.test/c/1","token":"tok1"},"not an object",
                      {"type":"dns-01","url":"https://ca.test/c/2","token":"tok2"}]})");
    CHECK(a.status == "pending");
    CHECK(a.identifier.value == "example.test");
    CHECK(a.has_challenges);
    REQUIRE(a.challenges.size() == 2);
    const ChallengeDocument* dns = find_challenge(a, "dns-01");
    REQUIRE(dns);
    CHECK(dns->token == "tok2");
    CHECK(find_challenge(a, "tls-alpn-01") == nullptr);
    CHECK(challenge_types(a) == "http-01, dns-01");
}

TEST_CASE("a wildcard authorization names the base domain") {
    const AuthorizationDocument a = read_authorization(
        R"({"status":"valid","identifier":{"type":"dns","value":"example.test"},"wildcard":true})");
    CHECK(a.identifier.value == "*.example.test");
    CHECK_FALSE(a.has_challenges);
    CHECK(challenge_types(a) == "none");
}

TEST_CASE("a failed authorization reports the first challenge error") {
    const AuthorizationDocument a = read_authorization(R"({"status":"invalid",
        "identifier":{"type":"ip","value":"127.0.0.1"},
        "challenges":[{"type":"http-01"},{"type":"tls-alpn-01","error":{"type":"urn:ietf:params:acme:error:connection",
        "detail":"refused"}},{"type":"dns-01","error":{"type":"urn:ietf:params:acme:error:dns"}}]})");
    CHECK(a.identifier.is_ip());
    CHECK(authorization_failure(a).is("connection"));
    const AuthorizationDocument plain =
        read_authorization(R"({"status":"expired","identifier":{"type":"dns","value":"a.test"},"challenges":[]})");
    CHECK(authorization_failure(plain).is("unauthorized"));
    CHECK(authorization_failure(plain).detail == "authorization is expired");
}

TEST_CASE("a malformed authorization is refused") {
    CHECK_THROWS_AS(read_authorization(R"({"status":"pending"})"), json::JsonError);  // no identifier
    CHECK_THROWS_AS(read_authorization(R"({"identifier":{"value":"a.test"}})"), json::JsonError);  // no status
    CHECK_THROWS_AS(read_authorization(R"({"status":"pending","identifier":{"value":"a.test"},
        "challenges":[{"type":1}]})"), json::JsonError);
    CHECK_THROWS_AS(read_authorization(R"({"status":"pending","identifier":{"value":"bad name!"}})"), IdentifierError);
}
