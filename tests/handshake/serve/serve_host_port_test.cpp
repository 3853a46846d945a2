// HostPort: the ADDR:PORT syntax of --listen, --passthrough, --upstream, --http.
#include "handshake/serve/HostPort.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using certa::handshake::HostPort;

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
