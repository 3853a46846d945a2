// HOST:PORT, the one parser for every address certa reads from a command
// line or a setting: `certa serve` listeners and targets (handshake/serve),
// `--deploy-check` addresses (acme/deploy/CheckAddress) and `--dns-resolver`
// (acme/challenge/DnsTxtLookup). Each caller then applies its own rule
// (a host required, port 0 refused, an IP literal needed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace certa::storage::net {

struct HostPort {
    std::string host;   // a name or an IP literal, IPv6 without brackets; "" when left out (":PORT")
    std::uint16_t port = 0;

    // "HOST:PORT", ":PORT" or "[V6]:PORT"; PORT is 0-65535 in decimal.
    // Brackets hold only an IPv6 literal (a host with ':'), and an IPv6
    // literal needs them. Throws std::invalid_argument with a one-line reason.
    static HostPort parse(std::string_view text);
    // As parse, but the ":PORT" may be left out ("HOST", "[V6]", or a bare
    // IPv6 literal such as "::1"): the port is then `default_port`.
    static HostPort parse(std::string_view text, std::uint16_t default_port);
    // "HOST:PORT", IPv6 literals bracketed again; parse(to_string()) gives it back.
    std::string to_string() const;

    bool operator==(const HostPort&) const = default;
};

}  // namespace certa::storage::net
