// Parses a TLS ClientHello from bytes that were peeked (MSG_PEEK) off a socket,
// without consuming them, to learn the SNI and ALPN offers before deciding what
// to do with the connection (challenge handshake, passthrough, TLS termination).
//
// The input is hostile: every length is checked against what is present, the
// total is bounded (kMaxPeekBytes), and nothing is allocated beyond that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace certa::handshake {

// A ClientHello larger than this (records included) is refused. RFC 8446 allows
// up to 2^24 bytes of handshake message, but no real client sends more than a
// few KiB before post-quantum key shares; 16 KiB leaves room for those.
inline constexpr std::size_t kMaxPeekBytes = 16 * 1024;

struct ClientHelloInfo {
    enum class Status {
        NeedMore,   // valid so far, but the ClientHello is not complete yet
        Complete,   // parsed: sni / alpn are filled
        Invalid,    // not TLS, not a ClientHello, malformed, or too large
    };
    Status status = Status::NeedMore;
    std::string sni;                 // host_name from server_name (RFC 6066 §3), as sent
    std::vector<std::string> alpn;   // protocol names in the client's order (RFC 7301 §3.1)
    std::string error;               // why it is Invalid (for debug logs; never secret)

    bool offers(const std::string& protocol) const;
};

// Parses `bytes` (the start of the connection). Returns NeedMore while a
// complete ClientHello is not yet present and the input is still plausible.
ClientHelloInfo parse_client_hello(std::span<const std::uint8_t> bytes);

}  // namespace certa::handshake
