// PROXY protocol v2 header bytes (haproxy proxy-protocol.txt §2.2).
#include "handshake/serve/ProxyProtocol.hpp"

#include <doctest/doctest.h>

#include <string>

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using certa::handshake::proxy_v2_header;

namespace {
const std::string kSignature("\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12);
}

TEST_CASE("IPv4 to IPv4: TCP4, 12 address bytes") {
    auto h = proxy_v2_header(tcp::endpoint(make_address("192.0.2.1"), 51234),
                             tcp::endpoint(make_address("198.51.100.7"), 443));
    REQUIRE(h.size() == 16 + 12);
    CHECK(h.substr(0, 12) == kSignature);
    CHECK(static_cast<unsigned char>(h[12]) == 0x21);  // v2, PROXY
    CHECK(static_cast<unsigned char>(h[13]) == 0x11);  // TCP over IPv4
    CHECK(h.substr(14, 2) == std::string("\x00\x0C", 2));
    CHECK(h.substr(16, 4) == std::string("\xC0\x00\x02\x01", 4));
    CHECK(h.substr(20, 4) == std::string("\xC6\x33\x64\x07", 4));
    CHECK(h.substr(24, 2) == std::string("\xC8\x22", 2));  // 51234
    CHECK(h.substr(26, 2) == std::string("\x01\xBB", 2));  // 443
}

TEST_CASE("IPv6, and mixed families mapped into IPv6") {
    auto h = proxy_v2_header(tcp::endpoint(make_address("2001:db8::1"), 1), tcp::endpoint(make_address("::1"), 443));
    REQUIRE(h.size() == 16 + 36);
    CHECK(static_cast<unsigned char>(h[13]) == 0x21);  // TCP over IPv6
    CHECK(h.substr(14, 2) == std::string("\x00\x24", 2));
    CHECK(h.substr(16, 2) == std::string("\x20\x01", 2));
    CHECK(h[16 + 16 + 15] == 1);  // ::1

    auto mixed = proxy_v2_header(tcp::endpoint(make_address("192.0.2.1"), 1), tcp::endpoint(make_address("::1"), 443));
    REQUIRE(mixed.size() == 16 + 36);
    CHECK(mixed.substr(16, 16) == std::string("\0\0\0\0\0\0\0\0\0\0\xFF\xFF\xC0\x00\x02\x01", 16));
}
