#include "handshake/serve/HostPort.hpp"

#include <charconv>
#include <stdexcept>

namespace certa::handshake {

HostPort HostPort::parse(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("expected HOST:PORT, got '" + text + "'");
    HostPort out;
    std::string host = text.substr(0, colon);
    if (!host.empty() && host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') throw std::invalid_argument("bad IPv6 literal in '" + text + "'");
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        throw std::invalid_argument("IPv6 addresses need brackets: '[" + host + "]:PORT'");
    }
    // A bracket left in the host (e.g. "[[1]:83") would print back as text
    // that does not parse (found by fuzzing): no host name or address has one.
    if (host.find_first_of("[]") != std::string::npos) throw std::invalid_argument("bad host in '" + text + "'");
    const std::string port = text.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
        throw std::invalid_argument("bad port in '" + text + "'");
    out.host = host;
    out.port = static_cast<std::uint16_t>(value);
    return out;
}

std::string HostPort::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace certa::handshake
