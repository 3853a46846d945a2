// A "HOST:PORT" pair from the command line (listen addresses, forwarding targets).
#pragma once

#include <cstdint>
#include <string>

namespace certa::handshake {

// "HOST:PORT", ":PORT" (every address) or "[V6]:PORT". Host may be a name for
// forwarding targets; listeners need an address literal (or empty).
struct HostPort {
    std::string host;   // empty: every local address (listeners only)
    std::uint16_t port = 0;

    // Throws std::invalid_argument with a one-line reason.
    static HostPort parse(const std::string& text);
    std::string to_string() const;   // brackets IPv6 literals again
};

}  // namespace certa::handshake
