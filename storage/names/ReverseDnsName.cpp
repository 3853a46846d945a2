#include "storage/names/ReverseDnsName.hpp"

#include "storage/names/NameNormalizer.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdio>

namespace certa::storage {
namespace {

int hex_nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::optional<std::string> ipv4_from(std::string_view rest) {
    // Four decimal octets, least significant first, no leading zeros.
    std::array<std::string_view, 4> octets;
    std::size_t count = 0;
    while (!rest.empty()) {
        if (count == 4) return std::nullopt;
        std::size_t dot = rest.rfind('.');
        octets[count++] = dot == std::string_view::npos ? rest : rest.substr(dot + 1);
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(0, dot);
    }
    if (count != 4) return std::nullopt;
    std::string text;
    for (std::size_t i = 0; i < 4; ++i) {
        std::string_view o = octets[i];
        if (o.empty() || o.size() > 3 || (o.size() > 1 && o[0] == '0')) return std::nullopt;
        int value = 0;
        for (char c : o) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        if (value > 255) return std::nullopt;
        if (i) text += '.';
        text += o;
    }
    return canonical_ip(text);
}

std::optional<std::string> ipv6_from(std::string_view rest) {
    if (rest.size() != 63) return std::nullopt;
    in6_addr addr{};
    for (std::size_t i = 0; i < 32; ++i) {
        int v = hex_nibble(rest[i * 2]);
        if (v < 0 || (i < 31 && rest[i * 2 + 1] != '.')) return std::nullopt;
        std::size_t nibble = 31 - i;  // position from the most significant end
        auto& byte = addr.s6_addr[nibble / 2];
        byte = static_cast<unsigned char>(byte | (nibble % 2 ? v : v << 4));
    }
    std::array<char, INET6_ADDRSTRLEN> buf{};
    if (!inet_ntop(AF_INET6, &addr, buf.data(), buf.size())) return std::nullopt;
    return canonical_ip(buf.data());
}

}  // namespace

std::string reverse_dns_name(std::string_view ip) {
    const auto canonical = canonical_ip(ip);
    if (!canonical) return {};
    std::array<unsigned char, 16> bytes{};
    std::string out;
    char buf[8];
    if (inet_pton(AF_INET, canonical->c_str(), bytes.data()) == 1) {
        for (int i = 3; i >= 0; --i) {
            std::snprintf(buf, sizeof buf, "%u.", static_cast<unsigned>(bytes[static_cast<std::size_t>(i)]));
            out += buf;
        }
        return out + "in-addr.arpa";
    }
    inet_pton(AF_INET6, canonical->c_str(), bytes.data());
    static const char* hex = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        unsigned b = bytes[static_cast<std::size_t>(i)];
        out += hex[b & 0xF];
        out += '.';
        out += hex[b >> 4];
        out += '.';
    }
    return out + "ip6.arpa";
}

std::optional<std::string> ip_from_reverse_name(std::string_view name) {
    constexpr std::string_view v4_suffix = ".in-addr.arpa";
    constexpr std::string_view v6_suffix = ".ip6.arpa";
    if (name.ends_with(v4_suffix)) return ipv4_from(name.substr(0, name.size() - v4_suffix.size()));
    if (name.ends_with(v6_suffix)) return ipv6_from(name.substr(0, name.size() - v6_suffix.size()));
    return std::nullopt;
}

}  // namespace certa::storage
