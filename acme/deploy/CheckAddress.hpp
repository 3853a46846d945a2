// The HOST:PORT addresses of `--deploy-check`, where a certificate pushed to
// a server target must then be served (LiveCheck), and the two spellings
// with a meaning of their own.
#pragma once

#include <cstdint>
#include <string>

namespace certa::acme {

struct CheckAddress {
    std::string host;  // a name or an IP address (IPv6 without brackets)
    std::uint16_t port = 443;
    std::string text() const;  // HOST:PORT ([v6]:PORT)
    // "HOST:PORT", "[::1]:PORT" (storage::net::HostPort, with a host and a
    // port above 0); throws std::invalid_argument.
    static CheckAddress parse(const std::string& spec);
};

// Where certa checks when a target is recorded but no --deploy-check.
inline constexpr const char* kDefaultDeployCheck = "127.0.0.1:443";
// The --deploy-check value that turns the check off.
inline constexpr const char* kNoDeployCheck = "none";

// "" when valid (an address or kNoDeployCheck), else the reason.
std::string deploy_check_problem(const std::string& spec);

}  // namespace certa::acme
