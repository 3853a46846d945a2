#include "acme/request/Identifier.hpp"

#include <doctest/doctest.h>

using certa::acme::Identifier;
using certa::acme::IdentifierError;

TEST_CASE("DNS names are normalized") {
    Identifier id = Identifier::parse("WWW.Example.COM.");
    CHECK(id.kind == Identifier::Kind::Dns);
    CHECK(id.value == "www.example.com");
    CHECK(std::string(id.type()) == "dns");
    CHECK_FALSE(id.is_wildcard());
    CHECK(id.base_name() == "www.example.com");
}

TEST_CASE("wildcards keep their prefix and expose the base name") {
    Identifier id = Identifier::parse("*.Example.com");
    CHECK(id.is_wildcard());
    CHECK(id.value == "*.example.com");
    CHECK(id.base_name() == "example.com");
    CHECK_THROWS_AS(Identifier::parse("*.com"), IdentifierError);
    CHECK_THROWS_AS(Identifier::parse("www.*.example.com"), IdentifierError);
    CHECK_THROWS_AS(Identifier::parse("*example.com"), IdentifierError);
}

TEST_CASE("IP addresses are IP identifiers in canonical form (RFC 8738)") {
    Identifier v4 = Identifier::parse("127.0.0.1");
    CHECK(v4.is_ip());
    CHECK(std::string(v4.type()) == "ip");
    CHECK(v4.value == "127.0.0.1");
    CHECK(v4.reverse_dns_name() == "1.0.0.127.in-addr.arpa");

    Identifier v6 = Identifier::parse("[2001:DB8:0:0:0:0:0:1]");
    CHECK(v6.is_ip());
    CHECK(v6.value == "2001:db8::1");
    CHECK(v6.reverse_dns_name() ==
          "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    CHECK_FALSE(v6.is_wildcard());
}

TEST_CASE("invalid names are refused with the input in the message") {
    for (const char* bad : {"", ".", "exa mple.com", "-a.example.com", "a..b", "ex\xc3\xa4mple.com", "a/b"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(Identifier::parse(bad), IdentifierError);
    }
    CHECK_THROWS_AS(Identifier::parse(std::string(64, 'a') + ".com"), IdentifierError);
    const std::string label63(63, 'a');
    CHECK_NOTHROW(Identifier::parse(label63 + "." + label63 + "." + label63 + ".com"));
    CHECK_THROWS_AS(Identifier::parse(label63 + "." + label63 + "." + label63 + "." + label63 + ".com"), IdentifierError);
    try {
        Identifier::parse("bad name.example");
        FAIL("accepted");
    } catch (const IdentifierError& e) {
        CHECK(std::string(e.what()).find("bad name.example") != std::string::npos);
    }
}

TEST_CASE("parse_identifiers drops duplicates and keeps order") {
    auto ids = certa::acme::parse_identifiers({"b.example", "A.example", "B.EXAMPLE.", "127.0.0.1"});
    REQUIRE(ids.size() == 3);
    CHECK(ids[0].value == "b.example");
    CHECK(ids[1].value == "a.example");
    CHECK(ids[2].value == "127.0.0.1");
}
