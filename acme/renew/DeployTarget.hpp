// The servers `--deploy` pushes a certificate to, parsed from their recorded
// spelling (IssueSettings::deploy_targets), and the HOST:PORT addresses of
// `--deploy-check` where the new certificate must then be served:
//
//   haproxy:SOCKET[:CRT-PATH[:CRT-LIST]]  HAProxy's runtime API on its UNIX
//       stats socket (level admin). CRT-PATH: the certificate file as HAProxy
//       names it (default: the loaded certificate whose file name is
//       NAME.pem, NAME the primary name). CRT-LIST: where a certificate
//       HAProxy does not know yet is added (default: its only crt-list).
//   nginx[:COMMAND]  run COMMAND (`sh -c`, default `nginx -s reload`) once
//       the export dirs are written.
#pragma once

#include <cstdint>
#include <string>

namespace certa::acme {

struct DeployTarget {
    enum class Kind { Haproxy, Nginx };
    Kind kind = Kind::Nginx;
    std::string socket;    // haproxy
    std::string crt_path;  // haproxy; "" = find NAME.pem among the loaded certificates
    std::string crt_list;  // haproxy; "" = the only crt-list
    std::string command;   // nginx

    // Throws std::invalid_argument with a one-line reason.
    static DeployTarget parse(const std::string& spec);
};

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

// "" when valid, else the reason (for IssueSettings validation).
std::string deploy_target_problem(const std::string& spec);
std::string deploy_check_problem(const std::string& spec);

}  // namespace certa::acme
