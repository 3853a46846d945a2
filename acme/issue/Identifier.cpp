#include "acme/issue/Identifier.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace certa::acme {
namespace {

// Canonical text of an IP address, or "" when `text` is not one.
std::string canonical_ip(const std::string& text, int& family) {
    std::array<unsigned char, 16> bytes{};
    std::array<char, INET6_ADDRSTRLEN> out{};
    for (int af : {AF_INET, AF_INET6}) {
        if (inet_pton(af, text.c_str(), bytes.data()) == 1 &&
            inet_ntop(af, bytes.data(), out.data(), out.size()) != nullptr) {
            family = af;
            return out.data();
        }
    }
    return {};
}

bool valid_label(const std::string& label) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
    });
}

}  // namespace

Identifier Identifier::parse(const std::string& text) {
    std::string value = text;
    // Literal IPv6 in brackets is accepted as a convenience.
    if (value.size() > 2 && value.front() == '[' && value.back() == ']') value = value.substr(1, value.size() - 2);
    int family = 0;
    if (std::string ip = canonical_ip(value, family); !ip.empty()) return Identifier{Kind::Ip, ip};

    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!value.empty() && value.back() == '.') value.pop_back();
    if (value.empty() || value.size() > 253) throw IdentifierError("invalid name '" + text + "': empty or longer than 253 characters");

    std::string rest = value;
    // RFC 8555 §7.1.3: a wildcard is "*." followed by a name; "*" nowhere else.
    if (rest.rfind("*.", 0) == 0) rest = rest.substr(2);
    size_t labels = 0;
    for (size_t start = 0;;) {
        size_t dot = rest.find('.', start);
        std::string label = rest.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!valid_label(label)) throw IdentifierError("invalid name '" + text + "': bad label '" + label + "'");
        ++labels;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (value.rfind("*.", 0) == 0 && labels < 2)
        throw IdentifierError("invalid name '" + text + "': a wildcard needs at least two labels after '*.'");
    return Identifier{Kind::Dns, value};
}

std::string Identifier::reverse_dns_name() const {
    if (!is_ip()) return value;
    std::array<unsigned char, 16> bytes{};
    std::string out;
    char buf[8];
    if (inet_pton(AF_INET, value.c_str(), bytes.data()) == 1) {
        for (int i = 3; i >= 0; --i) {
            std::snprintf(buf, sizeof buf, "%u.", static_cast<unsigned>(bytes[static_cast<size_t>(i)]));
            out += buf;
        }
        return out + "in-addr.arpa";
    }
    inet_pton(AF_INET6, value.c_str(), bytes.data());
    static const char* hex = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        unsigned b = bytes[static_cast<size_t>(i)];
        out += hex[b & 0xF];
        out += '.';
        out += hex[b >> 4];
        out += '.';
    }
    return out + "ip6.arpa";
}

std::vector<Identifier> parse_identifiers(const std::vector<std::string>& names) {
    std::vector<Identifier> out;
    for (const auto& name : names) {
        Identifier id = Identifier::parse(name);
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    }
    return out;
}

}  // namespace certa::acme
