// The HOST:PORT parser (HostPort.hpp).
#include "storage/net/HostPort.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace certa::storage::net {

namespace {

std::invalid_argument bad(const std::string& why, std::string_view text) {
    return std::invalid_argument(why + " in '" + std::string(text) + "'");
}

std::uint16_t port_of(std::string_view port, std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
        throw bad("bad port", text);
    return static_cast<std::uint16_t>(value);
}

// Splits off the host; `port` is set to what follows its ':' (nullopt when
// there is no port part at all).
std::string split(std::string_view text, std::optional<std::string_view>& port) {
    std::string host;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) throw bad("bad IPv6 literal", text);
        host = std::string(text.substr(1, close - 1));
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') throw bad("expected :PORT after ']'", text);
        if (!rest.empty()) port = rest.substr(1);
        // Brackets hold an IPv6 literal only (so that to_string gives the same text back).
        if (host.find(':') == std::string::npos) throw bad("bad IPv6 literal", text);
    } else {
        const auto colon = text.rfind(':');
        if (colon != std::string_view::npos && text.find(':') != colon)
            throw std::invalid_argument("IPv6 addresses need brackets: '[" + std::string(text.substr(0, colon)) +
                                        "]:PORT'");
        host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos) port = text.substr(colon + 1);
    }
    // A bracket left in the host (e.g. "[[1]:83") would print back as text
    // that does not parse (found by fuzzing): no host name or address has one.
    if (host.find_first_of("[]") != std::string::npos) throw bad("bad host", text);
    return host;
}

}  // namespace

HostPort HostPort::parse(std::string_view text) {
    std::optional<std::string_view> port;
    HostPort out;
    out.host = split(text, port);
    if (!port) throw std::invalid_argument("expected HOST:PORT, got '" + std::string(text) + "'");
    out.port = port_of(*port, text);
    return out;
}

HostPort HostPort::parse(std::string_view text, std::uint16_t default_port) {
    // A bare IPv6 literal has no port: "::1".
    if (!text.empty() && text.front() != '[' && std::count(text.begin(), text.end(), ':') > 1) {
        if (text.find_first_of("[]") != std::string_view::npos) throw bad("bad host", text);
        return HostPort{std::string(text), default_port};
    }
    std::optional<std::string_view> port;
    HostPort out;
    out.host = split(text, port);
    out.port = port ? port_of(*port, text) : default_port;
    return out;
}

std::string HostPort::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace certa::storage::net
