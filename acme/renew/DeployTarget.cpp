#include "acme/renew/DeployTarget.hpp"

#include "storage/net/HostPort.hpp"

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

std::string CheckAddress::text() const { return storage::net::HostPort{host, port}.to_string(); }

CheckAddress CheckAddress::parse(const std::string& spec) {
    storage::net::HostPort parsed;
    try {
        parsed = storage::net::HostPort::parse(spec);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--deploy-check: ") + e.what());
    }
    // A server to connect to: a host and a real port.
    if (parsed.host.empty()) throw std::invalid_argument("--deploy-check: no HOST in " + spec);
    if (parsed.port == 0) throw std::invalid_argument("--deploy-check: bad port in " + spec);
    return CheckAddress{parsed.host, parsed.port};
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
