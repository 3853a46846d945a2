// The one normalizer and validator of names for the whole of certa: what
// `certa issue` orders, what `certa import` stores, what the command line
// looks up and what the handshake agent matches SNI against all take the
// same canonical spelling from here.
//
// DNS names (RFC 1035 §2.3.1, RFC 1123 §2.1; '_' also allowed, as in
// _acme-challenge): surrounding ASCII whitespace trimmed (unless the rules
// say Exact), lowercase ASCII, one trailing dot dropped, at most 253
// characters, labels of 1..63 characters from [a-z0-9_-] that neither start
// nor end with '-'. IDNA A-labels ("xn--...") are ordinary labels; raw UTF-8
// is refused. A wildcard (RFC 8555 §7.1.3, RFC 6125 §6.4.3) is "*" as the
// whole left-most label with at least two labels after it, and only where
// the rules allow one.
// IP addresses (RFC 8738; RFC 6066 §3 forbids them in SNI, but clients send
// them anyway), brackets allowed: their inet_ntop text (RFC 5952 for IPv6),
// with an IPv4-mapped "::ffff:a.b.c.d" folded to "a.b.c.d".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace certa::storage {

struct NormalizedName {
    enum class Kind { Dns, Ip };
    std::string name;
    Kind kind = Kind::Dns;
};

inline constexpr std::size_t kMaxDnsNameLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;

enum class NameProblem {
    None,
    Empty,
    TooLong,          // over 253 characters (or absurdly long raw input)
    EmptyLabel,       // "a..b", ".a"
    LabelTooLong,     // over 63 characters
    BadCharacter,     // outside [A-Za-z0-9_-]: control, space, '/', raw UTF-8...
    HyphenAtEdge,     // a label starting or ending with '-'
    WildcardNotAllowed,
    MisplacedWildcard,  // '*' other than as the whole left-most label
    WildcardTooBroad,   // "*.com": fewer than two labels after "*."
};

struct NameRules {
    bool allow_wildcard = false;
    // Trimmed: surrounding spaces, tabs, CR and LF are dropped (command line,
    // SNI). Exact: they are refused like any other bad character (a
    // certificate's subjectAltName).
    enum class Spaces { Trimmed, Exact } spaces = Spaces::Trimmed;
};

// The core: `out` holds the canonical form when the result is None. `out`'s
// buffer is reused, so a caller looping over names allocates at most once.
NameProblem normalize_name(std::string_view raw, const NameRules& rules, NormalizedName& out);

// A name from a ClientHello (no wildcard). nullopt when it is not valid.
std::optional<NormalizedName> normalize_server_name(std::string_view raw);
// A name from the store's index: the left-most label may be the wildcard.
std::optional<std::string> normalize_index_name(std::string_view raw);

// Throws NameError "invalid name 'PRINTABLE': REASON" unless the name is valid.
NormalizedName validate_name(std::string_view raw, const NameRules& rules);

// What a store lookup or query uses: the canonical form of a valid name,
// else the input lowercased (it then matches nothing the store holds).
std::string canonical_identifier(std::string_view name);

// The canonical text of an IPv4/IPv6 address (brackets allowed), else nullopt.
std::optional<std::string> canonical_ip(std::string_view text);

// `text` with bytes outside printable ASCII as \xNN (for one-line messages).
std::string printable_name(std::string_view text);
// A short English reason ("a label starts or ends with '-'").
const char* describe(NameProblem problem);

// The wildcard that covers `name` by replacing exactly one left-most label
// (RFC 6125 §6.4.3): "a.example.com" -> "*.example.com". "" when `name` has a
// single label.
std::string covering_wildcard(std::string_view name);

}  // namespace certa::storage
