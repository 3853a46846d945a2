#include "acme/renew/DeployTarget.hpp"

#include <stdexcept>
#include <vector>

namespace certa::acme {

namespace {

// Splits "a:b:c" into at most `max` fields (the last keeps its colons).
std::vector<std::string> split(const std::string& text, std::size_t max) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (out.size() + 1 < max) {
        const auto colon = text.find(':', begin);
        if (colon == std::string::npos) break;
        out.push_back(text.substr(begin, colon - begin));
        begin = colon + 1;
    }
    out.push_back(text.substr(begin));
    return out;
}

}  // namespace

DeployTarget DeployTarget::parse(const std::string& spec) {
    DeployTarget target;
    if (spec == "nginx" || spec.rfind("nginx:", 0) == 0) {
        target.kind = Kind::Nginx;
        target.command = spec.size() > 6 ? spec.substr(6) : "nginx -s reload";
        if (target.command.find_first_not_of(" \t") == std::string::npos)
            throw std::invalid_argument("--deploy nginx:COMMAND: empty COMMAND");
        return target;
    }
    if (spec.rfind("haproxy:", 0) == 0) {
        // CRT-LIST keeps any further colons; SOCKET and CRT-PATH cannot hold one.
        const auto fields = split(spec.substr(8), 3);
        target.kind = Kind::Haproxy;
        target.socket = fields[0];
        if (fields.size() > 1) target.crt_path = fields[1];
        if (fields.size() > 2) target.crt_list = fields[2];
        if (target.socket.empty() || target.socket.front() != '/')
            throw std::invalid_argument("--deploy haproxy:SOCKET: SOCKET must be an absolute path: " + spec);
        if (fields.size() > 1 && target.crt_path.empty())
            throw std::invalid_argument("--deploy haproxy:SOCKET:CRT-PATH: empty CRT-PATH: " + spec);
        if (target.crt_path.find_first_of("\n\r ") != std::string::npos ||
            target.crt_list.find_first_of("\n\r ") != std::string::npos)
            throw std::invalid_argument("--deploy haproxy: CRT-PATH and CRT-LIST cannot hold spaces: " + spec);
        return target;
    }
    throw std::invalid_argument("--deploy: expected haproxy:SOCKET[:CRT-PATH[:CRT-LIST]] or nginx[:COMMAND], not " +
                                spec);
}

std::string CheckAddress::text() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

CheckAddress CheckAddress::parse(const std::string& spec) {
    CheckAddress address;
    std::string port;
    if (!spec.empty() && spec.front() == '[') {
        const auto close = spec.find(']');
        if (close == std::string::npos || close + 1 >= spec.size() || spec[close + 1] != ':')
            throw std::invalid_argument("--deploy-check: expected [IPv6]:PORT, not " + spec);
        address.host = spec.substr(1, close - 1);
        port = spec.substr(close + 2);
    } else {
        const auto colon = spec.rfind(':');
        if (colon == std::string::npos || spec.find(':') != colon)
            throw std::invalid_argument("--deploy-check: expected HOST:PORT, not " + spec);
        address.host = spec.substr(0, colon);
        port = spec.substr(colon + 1);
    }
    if (address.host.empty()) throw std::invalid_argument("--deploy-check: no HOST in " + spec);
    int value = 0;
    for (char c : port) {
        if (c < '0' || c > '9' || value > 65535) throw std::invalid_argument("--deploy-check: bad port in " + spec);
        value = value * 10 + (c - '0');
    }
    if (port.empty() || value < 1 || value > 65535) throw std::invalid_argument("--deploy-check: bad port in " + spec);
    address.port = static_cast<std::uint16_t>(value);
    return address;
}

std::string deploy_target_problem(const std::string& spec) {
    try {
        DeployTarget::parse(spec);
        return {};
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
}

std::string deploy_check_problem(const std::string& spec) {
    if (spec == kNoDeployCheck) return {};
    try {
        CheckAddress::parse(spec);
        return {};
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
}

}  // namespace certa::acme
