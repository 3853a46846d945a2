// Test helpers for `certa serve`: the daemon as a real child process on a free
// loopback port, openssl s_client against it, raw TCP and TLS clients.
#pragma once

#include "tests/support/Subprocess.hpp"

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace certa::test {

class ServeProcess {
public:
    // `certa --store STORE --log-level LEVEL serve --listen 127.0.0.1:0 ARGS...`;
    // waits (bounded) until it logged its port. FAILs the test when it does not start.
    ServeProcess(const std::string& store, const std::vector<std::string>& args, const std::string& log_level = "debug");
    std::uint16_t port() const { return port_; }
    Background& process() { return *process_; }
    std::string logs() const { return process_->err(); }
    // Polls the log (bounded by `timeout`) for `text`.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;
    // Waits (bounded) until the daemon logged that it accepted the IPv4
    // connection `fd` ("serve: accepted ADDR:PORT", a debug line). Its io
    // threads accept concurrently, so a test that needs connections taken in
    // order waits for each one.
    bool wait_accepted(int fd, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) const;

private:
    std::unique_ptr<Background> process_;
    std::uint16_t port_ = 0;
};

// Waits for "PREFIXPORT" in `text()` (e.g. prefix "listening on 127.0.0.1:") and
// returns PORT (0 when it never came).
std::uint16_t wait_for_port(const std::function<std::string()>& text, const std::string& prefix,
                            std::chrono::milliseconds timeout);

// `openssl s_client -connect HOST:PORT -servername SNI [-alpn ALPN]` with empty stdin.
RunResult s_client(std::uint16_t port, const std::string& sni, const std::string& alpn = {},
                   const std::string& host = "127.0.0.1");
// The first certificate PEM block in `text` ("" when none).
std::string first_pem(const std::string& text);

// A connected loopback TCP socket (closed on destruction); receive timeouts of 10 s.
class TcpClient {
public:
    explicit TcpClient(std::uint16_t port);
    ~TcpClient();
    TcpClient(const TcpClient&) = delete;
    TcpClient& operator=(const TcpClient&) = delete;
    int fd() const { return fd_; }
    bool send_all(const std::string& bytes);
    void shutdown_write();
    // Reads until EOF/error/timeout (10 s); `closed` tells whether EOF was seen.
    std::string read_to_end(bool* closed = nullptr);

private:
    int fd_ = -1;
};

}  // namespace certa::test
