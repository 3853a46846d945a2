// storage/ChallengeType: the one list of challenge types, and what is
// derived from it (schema CHECK, CLI lists, messages).
#include "storage/ChallengeType.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace certa::storage;

TEST_CASE("every challenge type round-trips through its name") {
    for (ChallengeType type : kChallengeTypes) {
        INFO(to_string(type));
        CHECK(challenge_type_from(to_string(type)) == type);
        CHECK(is_challenge_type(to_string(type)));
    }
    for (const char* bad : {"", "http", "HTTP-01", "dns-02", "tls-sni-01"}) {
        INFO(bad);
        CHECK_FALSE(parse_challenge_type(bad));
        CHECK_THROWS_AS(challenge_type_from(bad), std::invalid_argument);
    }
}

TEST_CASE("texts derived from the list") {
    CHECK(challenge_type_names() == std::vector<std::string>{"http-01", "dns-01", "tls-alpn-01"});
    CHECK(challenge_type_names(true) == std::vector<std::string>{"http-01", "tls-alpn-01"});
    CHECK(challenge_type_help() == "http-01, dns-01 or tls-alpn-01");
    CHECK(challenge_type_help(ChallengeType::Http01) == "http-01 (default), dns-01 or tls-alpn-01");
    CHECK(unknown_challenge_type("x") == "unknown challenge type 'x' (http-01, dns-01, tls-alpn-01)");
    // The challenges table's constraint, as version 1 created it.
    CHECK(challenge_type_check("type") == "CHECK (type IN ('http-01', 'dns-01', 'tls-alpn-01'))");
}
