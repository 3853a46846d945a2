// An ACME identifier: a DNS name (RFC 8555 §9.7.7, possibly a wildcard) or an
// IP address (RFC 8738). Parsing normalizes so that the same name always has
// the same spelling in orders, the store and challenge rows: the rules are
// storage/names/NameNormalizer's, shared with import, lookups and the agent.
#pragma once

#include "storage/names/NameError.hpp"

#include <string>
#include <vector>

namespace certa::acme {

using IdentifierError = storage::NameError;

struct Identifier {
    enum class Kind { Dns, Ip };
    Kind kind = Kind::Dns;
    std::string value;  // normalized: lowercase DNS name without trailing dot, or canonical IP text

    // Parses user input ("Example.COM.", "*.example.com", "127.0.0.1", "::1").
    // Throws IdentifierError with a message naming the input when it is invalid.
    static Identifier parse(const std::string& text);

    bool is_ip() const { return kind == Kind::Ip; }
    bool is_wildcard() const { return kind == Kind::Dns && value.rfind("*.", 0) == 0; }
    // The name without its "*." prefix (what dns-01 validates, RFC 8555 §8.4).
    std::string base_name() const { return is_wildcard() ? value.substr(2) : value; }
    // ACME "type" member: "dns" or "ip" (RFC 8738 §3).
    const char* type() const { return is_ip() ? "ip" : "dns"; }
    // RFC 8738 §6: the reverse-DNS name a tls-alpn-01 validator sends as SNI for an IP.
    std::string reverse_dns_name() const;

    friend bool operator==(const Identifier&, const Identifier&) = default;
};

// Parses every entry, drops duplicates (first one wins), keeps order.
std::vector<Identifier> parse_identifiers(const std::vector<std::string>& names);

}  // namespace certa::acme
