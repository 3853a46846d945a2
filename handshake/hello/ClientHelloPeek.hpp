// Parses a TLS ClientHello from bytes that were peeked (MSG_PEEK) off a socket,
// (the records and the message framing; the extensions go through the same
// parsers as the agent's, ClientHelloExtensions),
// without consuming them, to learn the SNI and ALPN offers before deciding what
// to do with the connection (challenge handshake, passthrough, TLS termination).
//
// The input is hostile: every length is checked against what is present, the
// total is bounded (kMaxPeekBytes), and nothing is allocated beyond that.
#pragma once

#include "handshake/hello/ClientHelloInfo.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace certa::handshake {

// A ClientHello larger than this (records included) is refused. RFC 8446 allows
// up to 2^24 bytes of handshake message, but no real client sends more than a
// few KiB before post-quantum key shares; 16 KiB leaves room for those.
inline constexpr std::size_t kMaxPeekBytes = 16 * 1024;

// A ClientHello read from the connection's first bytes, with how far it got.
struct PeekedClientHello : ClientHelloInfo {
    enum class Status {
        NeedMore,   // valid so far, but the ClientHello is not complete yet
        Complete,   // parsed: the ClientHelloInfo fields are filled
        Invalid,    // not TLS, not a ClientHello, malformed, or too large
    };
    Status status = Status::NeedMore;
    std::string error;  // why it is Invalid (for debug logs; never secret)
    // NeedMore: how many bytes (from the connection's start) must be there
    // before parsing can get further: the end of the partial record, or of
    // the next record header. Never above kMaxPeekBytes. A server can wait
    // for that many (SO_RCVLOWAT) instead of re-reading at every segment.
    std::size_t need = 0;
};

// Parses `bytes` (the start of the connection). Returns NeedMore while a
// complete ClientHello is not yet present and the input is still plausible.
PeekedClientHello parse_client_hello(std::span<const std::uint8_t> bytes);

}  // namespace certa::handshake
