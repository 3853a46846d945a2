// The parsers of the ClientHello extensions certa reads, one per extension
// body. Both readers of a hello (ClientHelloReader inside OpenSSL's callback,
// ClientHelloPeek before TLS) call these, so a name is judged the same way on
// both paths. Every body is hostile: each length is checked against the bytes
// present, and nothing is copied beyond a small bound.
#pragma once

#include "handshake/hello/ClientHelloInfo.hpp"

#include <cstdint>
#include <span>

namespace certa::handshake {

// RFC 6066 §3 server_name (type 0).
void parse_server_name(std::span<const std::uint8_t> body, ClientHelloInfo& info);
// RFC 7301 §3.1 application_layer_protocol_negotiation (type 16).
void parse_alpn(std::span<const std::uint8_t> body, ClientHelloInfo& info);
// RFC 8446 §4.2.1 supported_versions (type 43).
void parse_supported_versions(std::span<const std::uint8_t> body, ClientHelloInfo& info);
// RFC 8446 §4.2.3 signature_algorithms (type 13).
void parse_signature_algorithms(std::span<const std::uint8_t> body, ClientHelloInfo& info);

// The extension types above, by number.
inline constexpr std::uint16_t kExtServerName = 0;
inline constexpr std::uint16_t kExtSignatureAlgorithms = 13;
inline constexpr std::uint16_t kExtAlpn = 16;
inline constexpr std::uint16_t kExtSupportedVersions = 43;

// Dispatches one extension to its parser; other types are ignored.
void parse_extension(std::uint16_t type, std::span<const std::uint8_t> body, ClientHelloInfo& info);

}  // namespace certa::handshake
