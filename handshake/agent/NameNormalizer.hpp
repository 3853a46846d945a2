// Turns server names as clients send them (SNI) and as the store holds them
// into the one canonical form the indexes are keyed by.
//
// DNS names: trimmed, lowercase ASCII, one trailing dot dropped, at most 253
// characters, labels of 1..63 characters from [a-z0-9-_]. IP addresses
// (which RFC 6066 §3 forbids in SNI, but clients send anyway) become their
// canonical inet_ntop text; "::ffff:a.b.c.d" becomes "a.b.c.d".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace certa::handshake {

struct NormalizedName {
    enum class Kind { Dns, Ip };
    std::string name;
    Kind kind = Kind::Dns;
};

inline constexpr std::size_t kMaxDnsNameLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;

// A name from a ClientHello. nullopt when it is empty or invalid (over-long,
// empty label, characters outside the DNS alphabet, a wildcard).
std::optional<NormalizedName> normalize_server_name(std::string_view raw);

// A name from the store's index: like normalize_server_name, but the left-most
// label may be the wildcard "*" (stored as "*.example.com").
std::optional<std::string> normalize_index_name(std::string_view raw);

// The canonical text of an IPv4/IPv6 address (brackets allowed), else nullopt.
std::optional<std::string> canonical_ip(std::string_view text);

// RFC 8738 §6: the reverse-DNS name ("4.3.2.1.in-addr.arpa", or 32 nibbles then
// "ip6.arpa") of an IP identifier, mapped back to the canonical IP text.
// `name` must already be normalized. nullopt when it is not such a name.
std::optional<std::string> ip_from_reverse_name(std::string_view name);

// The wildcard that covers `name` by replacing exactly one left-most label
// (RFC 6125 §6.4.3): "a.example.com" -> "*.example.com". "" when `name` has a
// single label (no wildcard may cover a TLD).
std::string covering_wildcard(std::string_view name);

}  // namespace certa::handshake
