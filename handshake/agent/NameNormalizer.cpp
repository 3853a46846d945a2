#include "handshake/agent/NameNormalizer.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace certa::handshake {
namespace {

// Anything longer than this cannot become a valid name even after trimming;
// refusing it first keeps hostile input from costing more than a length check.
constexpr std::size_t kMaxRawLength = 1024;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Trim, drop one trailing dot, lowercase. nullopt when nothing is left.
std::optional<std::string> basic_form(std::string_view raw) {
    if (raw.size() > kMaxRawLength) return std::nullopt;
    std::string_view s = trim(raw);
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

// Validates labels of a lowercase DNS name; the first label may be "*" when
// `allow_wildcard`.
bool valid_dns(const std::string& name, bool allow_wildcard) {
    if (name.size() > kMaxDnsNameLength) return false;
    std::size_t start = 0;
    bool first = true;
    while (start <= name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        std::string_view label(name.data() + start, dot - start);
        if (label.empty() || label.size() > kMaxLabelLength) return false;
        bool wildcard = first && allow_wildcard && label == "*";
        if (wildcard && dot == name.size()) return false;  // "*" alone
        if (!wildcard) {
            for (char c : label)
                if (!is_label_char(c)) return false;
        }
        first = false;
        start = dot + 1;
        if (dot == name.size()) break;
    }
    return true;
}

int hex_nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> canonical_ip(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    std::string z(text);  // inet_pton wants a terminated string
    std::array<char, INET6_ADDRSTRLEN> buf{};
    in_addr v4{};
    if (inet_pton(AF_INET, z.c_str(), &v4) == 1) {
        if (!inet_ntop(AF_INET, &v4, buf.data(), buf.size())) return std::nullopt;
        return std::string(buf.data());
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, z.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_V4MAPPED(&v6)) {
            std::memcpy(&v4, &v6.s6_addr[12], 4);
            if (!inet_ntop(AF_INET, &v4, buf.data(), buf.size())) return std::nullopt;
        } else if (!inet_ntop(AF_INET6, &v6, buf.data(), buf.size())) {
            return std::nullopt;
        }
        return std::string(buf.data());
    }
    return std::nullopt;
}

std::optional<NormalizedName> normalize_server_name(std::string_view raw) {
    auto base = basic_form(raw);
    if (!base) return std::nullopt;
    if (auto ip = canonical_ip(*base)) return NormalizedName{*ip, NormalizedName::Kind::Ip};
    if (!valid_dns(*base, false)) return std::nullopt;
    return NormalizedName{std::move(*base), NormalizedName::Kind::Dns};
}

std::optional<std::string> normalize_index_name(std::string_view raw) {
    auto base = basic_form(raw);
    if (!base) return std::nullopt;
    if (auto ip = canonical_ip(*base)) return ip;
    if (!valid_dns(*base, true)) return std::nullopt;
    return base;
}

std::optional<std::string> ip_from_reverse_name(std::string_view name) {
    constexpr std::string_view v4_suffix = ".in-addr.arpa";
    constexpr std::string_view v6_suffix = ".ip6.arpa";
    if (name.ends_with(v4_suffix)) {
        // RFC 8738 §6 / RFC 1035 §3.5: four decimal octets, least significant first.
        std::string_view rest = name.substr(0, name.size() - v4_suffix.size());
        std::array<std::string_view, 4> octets;
        std::size_t count = 0;
        while (!rest.empty()) {
            if (count == 4) return std::nullopt;
            std::size_t dot = rest.rfind('.');
            std::string_view label = dot == std::string_view::npos ? rest : rest.substr(dot + 1);
            octets[count++] = label;
            rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(0, dot);
        }
        if (count != 4) return std::nullopt;
        std::string text;
        for (std::size_t i = 0; i < 4; ++i) {
            std::string_view o = octets[i];
            if (o.empty() || o.size() > 3) return std::nullopt;
            for (char c : o)
                if (c < '0' || c > '9') return std::nullopt;
            if (o.size() > 1 && o[0] == '0') return std::nullopt;  // no leading zeros
            if (std::stoi(std::string(o)) > 255) return std::nullopt;
            if (i) text += '.';
            text += o;
        }
        return canonical_ip(text);
    }
    if (name.ends_with(v6_suffix)) {
        // RFC 3596 §2.5: 32 hex nibbles, least significant first, dot separated.
        std::string_view rest = name.substr(0, name.size() - v6_suffix.size());
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
    return std::nullopt;
}

std::string covering_wildcard(std::string_view name) {
    std::size_t dot = name.find('.');
    if (dot == std::string_view::npos || dot + 1 >= name.size()) return {};
    std::string out = "*";
    out.append(name.substr(dot));
    return out;
}

}  // namespace certa::handshake
