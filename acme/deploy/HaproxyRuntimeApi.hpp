// A client of HAProxy's runtime API (management.txt §9.3) over its UNIX
// stats socket, in non-interactive mode: one command per connection, the
// answer read until HAProxy closes it. Only what a certificate update needs
// (HAProxy 2.6: show / new / set / commit / abort ssl cert, show / add ssl
// crt-list). The socket must be at "level admin" to change certificates.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

// HAProxy could not be reached or refused a command: one line, naming the
// command (never the payload) and HAProxy's own words.
class HaproxyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class HaproxyRuntimeApi {
public:
    explicit HaproxyRuntimeApi(std::string socket_path,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    // The raw answer to `line` (with a payload: `line <<`, the payload, an
    // empty line). Throws HaproxyError when the socket cannot be used.
    std::string command(const std::string& line, std::string_view payload = {}) const;

    // Certificate files HAProxy has loaded ("show ssl cert", transactions left out).
    std::vector<std::string> certificates() const;
    // "Used" / "Unused" from "show ssl cert FILE" ("" when unknown).
    std::string certificate_status(const std::string& file) const;
    // The crt-lists (and directories) of the configuration.
    std::vector<std::string> crt_lists() const;
    // The certificate files a crt-list holds (its lines' first fields).
    std::vector<std::string> crt_list_entries(const std::string& crt_list) const;

    void new_certificate(const std::string& file) const;
    // `pem` is cleaned of blank lines first (an empty line ends a payload).
    // False when HAProxy has no certificate `file` (then: new_certificate).
    bool set_certificate(const std::string& file, std::string_view pem) const;
    void commit_certificate(const std::string& file) const;
    void abort_certificate(const std::string& file) const;
    void add_to_crt_list(const std::string& crt_list, const std::string& file) const;

private:
    // command(), throwing HaproxyError unless the answer holds `success`.
    void expect(const std::string& line, std::string_view payload, std::string_view success) const;

    std::string socket_path_;
    std::chrono::milliseconds timeout_;
};

// `pem` without empty (or blank) lines and carriage returns.
std::string without_blank_lines(std::string_view pem);

}  // namespace certa::acme
