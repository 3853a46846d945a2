#include "acme/deploy/CheckAddress.hpp"

#include "storage/net/HostPort.hpp"

#include <stdexcept>

namespace certa::acme {

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
