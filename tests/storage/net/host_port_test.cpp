// storage::net::HostPort: the one HOST:PORT parser, used by `certa serve`
// (--listen, --passthrough, --upstream, --http), --deploy-check and
// --dns-resolver. Table-driven: each row is the text, what it parses to,
// and the same with an optional port (default 53).
#include "storage/net/HostPort.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>

using certa::storage::net::HostPort;

namespace {

struct Row {
    const char* text;
    std::optional<HostPort> required;  // HostPort::parse(text); nullopt: throws
    std::optional<HostPort> optional;  // HostPort::parse(text, 53); nullopt: throws
};

const Row kRows[] = {
    // IPv4, names, every address
    {"127.0.0.1:8443", HostPort{"127.0.0.1", 8443}, HostPort{"127.0.0.1", 8443}},
    {"backend.internal:80", HostPort{"backend.internal", 80}, HostPort{"backend.internal", 80}},
    {":443", HostPort{"", 443}, HostPort{"", 443}},
    // [IPv6]:port
    {"[::1]:443", HostPort{"::1", 443}, HostPort{"::1", 443}},
    {"[::]:65535", HostPort{"::", 65535}, HostPort{"::", 65535}},
    {"[2001:db8::1]:53", HostPort{"2001:db8::1", 53}, HostPort{"2001:db8::1", 53}},
    // zero and the largest port
    {"127.0.0.1:0", HostPort{"127.0.0.1", 0}, HostPort{"127.0.0.1", 0}},
    {"h:65535", HostPort{"h", 65535}, HostPort{"h", 65535}},
    // a missing port: only where it may be left out
    {"127.0.0.1", std::nullopt, HostPort{"127.0.0.1", 53}},
    {"443", std::nullopt, HostPort{"443", 53}},
    {"[::1]", std::nullopt, HostPort{"::1", 53}},
    {"::1", std::nullopt, HostPort{"::1", 53}},
    {"", std::nullopt, HostPort{"", 53}},
    // bad ports
    {"127.0.0.1:", std::nullopt, std::nullopt},
    {"127.0.0.1:65536", std::nullopt, std::nullopt},
    {"127.0.0.1:99999999999", std::nullopt, std::nullopt},
    {"127.0.0.1:-1", std::nullopt, std::nullopt},
    {"127.0.0.1:80x", std::nullopt, std::nullopt},
    {"host: 80", std::nullopt, std::nullopt},
    {"[::1]:", std::nullopt, std::nullopt},
    // IPv6 without brackets, brackets without IPv6, stray brackets
    {"::1:443", std::nullopt, HostPort{"::1:443", 53}},  // a bare literal when the port is optional
    {"[::1:443", std::nullopt, std::nullopt},
    {"[::1]443", std::nullopt, std::nullopt},
    {"[]:443", std::nullopt, std::nullopt},
    {"[127.0.0.1]:53", std::nullopt, std::nullopt},
    {"[a]:1", std::nullopt, std::nullopt},
    // found by tests/fuzz/host_port_proxy: stray brackets in the host
    {"[[1]:83", std::nullopt, std::nullopt},
    {"[a]]:1", std::nullopt, std::nullopt},
    {"a]:1", std::nullopt, std::nullopt},
    {"[a[b]:1", std::nullopt, std::nullopt},
    {"a[b::c]", std::nullopt, std::nullopt},
};

}  // namespace

TEST_CASE("HOST:PORT, table-driven") {
    for (const Row& row : kRows) {
        INFO(row.text);
        if (row.required) {
            CHECK(HostPort::parse(row.text) == *row.required);
        } else {
            CHECK_THROWS_AS(HostPort::parse(row.text), std::invalid_argument);
        }
        if (row.optional) {
            CHECK(HostPort::parse(row.text, 53) == *row.optional);
        } else {
            CHECK_THROWS_AS(HostPort::parse(row.text, 53), std::invalid_argument);
        }
    }
}

TEST_CASE("host and port forms") {
    auto a = HostPort::parse("127.0.0.1:8443");
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 8443);
    auto any = HostPort::parse(":443");
    CHECK(any.host.empty());
    CHECK(any.port == 443);
    auto v6 = HostPort::parse("[::1]:443");
    CHECK(v6.host == "::1");
    CHECK(v6.to_string() == "[::1]:443");
    auto name = HostPort::parse("backend.internal:80");
    CHECK(name.host == "backend.internal");
    CHECK(name.to_string() == "backend.internal:80");
    CHECK(HostPort::parse("127.0.0.1:0").port == 0);
    CHECK(HostPort::parse("[::]:65535").port == 65535);
}

TEST_CASE("malformed addresses are refused with a reason") {
    for (const char* bad : {"", "443", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                            "127.0.0.1:80x", "::1:443", "[::1:443", "[]:443", "host: 80",
                            // found by tests/fuzz/host_port_proxy: stray brackets in the host
                            "[[1]:83", "[a]]:1", "a]:1", "[a[b]:1"}) {
        INFO(bad);
        CHECK_THROWS_AS(HostPort::parse(bad), std::invalid_argument);
    }
}

TEST_CASE("to_string parses back to the same address") {
    for (const char* text : {"127.0.0.1:1", ":0", "[::1]:443", "[fe80::1%eth0]:8443", "name.example:65535"}) {
        INFO(text);
        const HostPort parsed = HostPort::parse(text);
        CHECK(parsed.to_string() == text);
        CHECK(HostPort::parse(parsed.to_string()) == parsed);
    }
}
