#include "handshake/agent/NameNormalizer.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace certa::handshake;

namespace {
struct Case {
    std::string raw;
    std::optional<std::string> want;  // nullopt: rejected
    NormalizedName::Kind kind = NormalizedName::Kind::Dns;
};
}  // namespace

TEST_CASE("normalize_server_name: table") {
    const std::string label63(63, 'a');
    const std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
    REQUIRE(name253.size() == 253);
    const Case cases[] = {
        {"example.com", "example.com"},
        {"Example.COM", "example.com"},
        {"example.com.", "example.com"},
        {"  www.Example.com.  ", "www.example.com"},
        {"\twww.example.com\r\n", "www.example.com"},
        {"xn--bcher-kva.example", "xn--bcher-kva.example"},
        {"_acme.example.com", "_acme.example.com"},
        {"localhost", "localhost"},
        {name253, name253},
        {name253 + ".", name253},
        {"127.0.0.1", "127.0.0.1", NormalizedName::Kind::Ip},
        {"::1", "::1", NormalizedName::Kind::Ip},
        {"[::1]", "::1", NormalizedName::Kind::Ip},
        {"2001:DB8:0:0::1", "2001:db8::1", NormalizedName::Kind::Ip},
        {"::ffff:192.0.2.7", "192.0.2.7", NormalizedName::Kind::Ip},
        {"", std::nullopt},
        {".", std::nullopt},
        {"   ", std::nullopt},
        {"example..com", std::nullopt},
        {".example.com", std::nullopt},
        {"example.com..", std::nullopt},
        {name253 + "c", std::nullopt},            // 254 characters
        {std::string(64, 'a') + ".com", std::nullopt},  // label of 64
        {label63 + ".com", label63 + ".com"},
        {"*.example.com", std::nullopt},           // wildcards are not SNI
        {"exa mple.com", std::nullopt},
        {"exa/mple.com", std::nullopt},
        {std::string("exa\0mple.com", 12), std::nullopt},
        {"ex\xc3\xa4mple.com", std::nullopt},       // raw UTF-8
        {"example.com:443", std::nullopt},
        {std::string(5000, 'a'), std::nullopt},
    };
    for (const auto& c : cases) {
        CAPTURE(c.raw);
        auto got = normalize_server_name(c.raw);
        if (!c.want) {
            CHECK_FALSE(got.has_value());
            continue;
        }
        REQUIRE(got.has_value());
        CHECK(got->name == *c.want);
        CHECK(got->kind == c.kind);
    }
}

TEST_CASE("normalize_index_name accepts one left-most wildcard only") {
    CHECK(normalize_index_name("*.Example.com.") == std::optional<std::string>("*.example.com"));
    CHECK(normalize_index_name("192.0.2.1") == std::optional<std::string>("192.0.2.1"));
    CHECK(normalize_index_name("2001:db8::0:1") == std::optional<std::string>("2001:db8::1"));
    CHECK_FALSE(normalize_index_name("*").has_value());
    CHECK_FALSE(normalize_index_name("a.*.example.com").has_value());
    CHECK_FALSE(normalize_index_name("*.*.example.com").has_value());
    CHECK_FALSE(normalize_index_name("w*.example.com").has_value());
}

TEST_CASE("ip_from_reverse_name: RFC 8738 section 6") {
    const std::pair<std::string, std::optional<std::string>> cases[] = {
        {"1.2.0.192.in-addr.arpa", "192.0.2.1"},
        {"1.0.0.127.in-addr.arpa", "127.0.0.1"},
        {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", "::1"},
        {"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
         "4321:0:1:2:3:4:567:89ab"},
        {"2.0.192.in-addr.arpa", std::nullopt},        // three octets
        {"1.1.2.0.192.in-addr.arpa", std::nullopt},    // five octets
        {"256.2.0.192.in-addr.arpa", std::nullopt},
        {"01.2.0.192.in-addr.arpa", std::nullopt},
        {"a.2.0.192.in-addr.arpa", std::nullopt},
        {"in-addr.arpa", std::nullopt},
        {"1.0.0.0.ip6.arpa", std::nullopt},
        {"g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", std::nullopt},
        {"example.com", std::nullopt},
    };
    for (const auto& [name, want] : cases) {
        CAPTURE(name);
        CHECK(ip_from_reverse_name(name) == want);
    }
}

TEST_CASE("covering_wildcard replaces exactly one left-most label") {
    CHECK(covering_wildcard("a.example.com") == "*.example.com");
    CHECK(covering_wildcard("a.b.example.com") == "*.b.example.com");
    CHECK(covering_wildcard("example.com") == "*.com");
    CHECK(covering_wildcard("localhost").empty());
}
