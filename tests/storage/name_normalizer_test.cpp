// The one name normalizer and validator (storage/names): what `certa issue`,
// `certa import`, the command line's lookups and the handshake agent accept,
// and the spelling they all store and match.
#include "storage/names/NameError.hpp"
#include "storage/names/NameNormalizer.hpp"
#include "storage/names/ReverseDnsName.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace certa::storage;

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
        {"-a.example.com", std::nullopt},           // RFC 1123: no '-' at a label's edge
        {"a-.example.com", std::nullopt},
        {"www.example-.com", std::nullopt},
        {"a-b.example.com", "a-b.example.com"},
        {"www\nevil.example.com", std::nullopt},   // control characters
        {"www.example.com\x7f", std::nullopt},
        {"::FFFF:10.1.2.3", "10.1.2.3", NormalizedName::Kind::Ip},
        {"192.0.2.1.", "192.0.2.1", NormalizedName::Kind::Ip},
        {"[2001:db8::1]", "2001:db8::1", NormalizedName::Kind::Ip},
        {"1.2.0.192.in-addr.arpa", "1.2.0.192.in-addr.arpa"},  // a DNS name; the agent maps it back
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

namespace {
struct RuleCase {
    std::string raw;
    std::optional<std::string> want;  // nullopt: refused with `problem`
    NameProblem problem = NameProblem::None;
};
}  // namespace

// The same table for every caller: `certa issue` (Identifier), `certa
// import` (CertificateValidation), lookups and the agent's index all go
// through normalize_name with wildcards allowed.
TEST_CASE("normalize_name with wildcards: the rules every caller shares") {
    const std::string label63(63, 'a');
    const RuleCase cases[] = {
        {"Example.COM.", "example.com"},
        {" \twww.example.com ", "www.example.com"},
        {"*.Example.com", "*.example.com"},
        {"xn--80ak6aa92e.xn--p1ai", "xn--80ak6aa92e.xn--p1ai"},  // IDNA A-labels are plain labels
        {"_acme-challenge.example.com", "_acme-challenge.example.com"},
        {"::ffff:192.0.2.9", "192.0.2.9"},
        {"2001:0DB8::0001", "2001:db8::1"},
        {"", std::nullopt, NameProblem::Empty},
        {" . ", std::nullopt, NameProblem::Empty},
        {"a..example.com", std::nullopt, NameProblem::EmptyLabel},
        {".example.com", std::nullopt, NameProblem::EmptyLabel},
        {label63 + "a.com", std::nullopt, NameProblem::LabelTooLong},
        {label63 + "." + label63 + "." + label63 + "." + label63 + ".com", std::nullopt, NameProblem::TooLong},
        {"-www.example.com", std::nullopt, NameProblem::HyphenAtEdge},
        {"www-.example.com", std::nullopt, NameProblem::HyphenAtEdge},
        {"a\nb.example.com", std::nullopt, NameProblem::BadCharacter},
        {std::string("a\0b.example.com", 15), std::nullopt, NameProblem::BadCharacter},
        {"caf\xc3\xa9.example", std::nullopt, NameProblem::BadCharacter},
        {"www.*.example.com", std::nullopt, NameProblem::MisplacedWildcard},
        {"*.*.example.com", std::nullopt, NameProblem::MisplacedWildcard},
        {"w*.example.com", std::nullopt, NameProblem::MisplacedWildcard},
        {"*example.com", std::nullopt, NameProblem::MisplacedWildcard},
        {"*.com", std::nullopt, NameProblem::WildcardTooBroad},
        {"*", std::nullopt, NameProblem::WildcardTooBroad},
    };
    for (const auto& c : cases) {
        CAPTURE(c.raw);
        NormalizedName out;
        const NameProblem got = normalize_name(c.raw, NameRules{.allow_wildcard = true}, out);
        if (c.want) {
            CHECK(got == NameProblem::None);
            CHECK(out.name == *c.want);
            CHECK(canonical_identifier(c.raw) == *c.want);
            CHECK(normalize_index_name(c.raw) == c.want);
        } else {
            CHECK(got == c.problem);
            CHECK_FALSE(normalize_index_name(c.raw).has_value());
            CHECK_THROWS_AS(validate_name(c.raw, NameRules{.allow_wildcard = true}), NameError);
        }
    }
}

TEST_CASE("wildcards only where allowed; exact rules refuse surrounding whitespace") {
    NormalizedName out;
    CHECK(normalize_name("*.example.com", NameRules{}, out) == NameProblem::WildcardNotAllowed);
    const NameRules exact{.allow_wildcard = true, .spaces = NameRules::Spaces::Exact};
    CHECK(normalize_name("www.example.com\n", exact, out) == NameProblem::BadCharacter);
    CHECK(normalize_name(" www.example.com", exact, out) == NameProblem::BadCharacter);
    CHECK(normalize_name("WWW.example.com.", exact, out) == NameProblem::None);
    CHECK(out.name == "www.example.com");
}

TEST_CASE("a refusal is one printable line naming the input") {
    try {
        validate_name("evil\n.example.com", NameRules{});
        FAIL("accepted");
    } catch (const NameError& e) {
        const std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what == "invalid name 'evil\\x0a.example.com': a character other than letters, digits, '-' and '_'");
    }
}

TEST_CASE("reverse_dns_name and ip_from_reverse_name are inverses") {
    CHECK(reverse_dns_name("192.0.2.1") == "1.2.0.192.in-addr.arpa");
    CHECK(reverse_dns_name("::ffff:192.0.2.1") == "1.2.0.192.in-addr.arpa");
    CHECK(reverse_dns_name("example.com").empty());
    for (const char* ip : {"192.0.2.1", "2001:db8::1", "::1"}) {
        CAPTURE(ip);
        CHECK(ip_from_reverse_name(reverse_dns_name(ip)) == std::optional<std::string>(ip));
    }
}
