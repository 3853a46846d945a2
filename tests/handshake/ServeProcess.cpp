#include "ServeProcess.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include <functional>
#include <thread>

namespace certa::test {

std::uint16_t wait_for_port(const std::function<std::string()>& text, const std::string& prefix,
                            std::chrono::milliseconds timeout) {
    const std::string& needle = prefix;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        std::string all = text();
        auto at = all.find(needle);
        if (at != std::string::npos) {
            std::size_t pos = at + needle.size();
            unsigned port = 0;
            bool digits = false;
            while (pos < all.size() && all[pos] >= '0' && all[pos] <= '9') {
                port = port * 10 + static_cast<unsigned>(all[pos++] - '0');
                digits = true;
            }
            if (digits && pos < all.size() && port > 0 && port < 65536) return static_cast<std::uint16_t>(port);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
}

ServeProcess::ServeProcess(const std::string& store, const std::vector<std::string>& args, const std::string& log_level) {
    std::vector<std::string> argv{certa_bin(), "--store", store, "--log-level", log_level, "serve", "--listen",
                                  "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<Background>(argv);
    port_ = wait_for_port([this] { return process_->err(); }, "serve: listening on 127.0.0.1:", std::chrono::seconds(20));
    REQUIRE_MESSAGE(port_ != 0, "certa serve did not start: " << process_->err());
}

bool ServeProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (process_->err().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

bool ServeProcess::wait_accepted(int fd, std::chrono::milliseconds timeout) const {
    sockaddr_in local{};
    socklen_t length = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 || local.sin_family != AF_INET)
        return false;
    char address[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &local.sin_addr, address, sizeof address);
    return wait_for_log("serve: accepted " + std::string(address) + ":" + std::to_string(ntohs(local.sin_port)),
                        timeout);
}

RunResult s_client(std::uint16_t port, const std::string& sni, const std::string& alpn, const std::string& host) {
    std::vector<std::string> argv{"openssl", "s_client", "-connect", host + ":" + std::to_string(port),
                                  "-servername", sni};
    if (!alpn.empty()) {
        argv.push_back("-alpn");
        argv.push_back(alpn);
    }
    RunOptions options;
    options.timeout = std::chrono::milliseconds(20000);
    options.stdin_data = "";
    return run(argv, options);
}

std::string first_pem(const std::string& text) {
    auto begin = text.find("-----BEGIN CERTIFICATE-----");
    if (begin == std::string::npos) return {};
    auto end = text.find("-----END CERTIFICATE-----", begin);
    if (end == std::string::npos) return {};
    return text.substr(begin, end + 25 - begin) + "\n";
}

TcpClient::TcpClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
}

TcpClient::~TcpClient() {
    if (fd_ >= 0) ::close(fd_);
}

bool TcpClient::send_all(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

void TcpClient::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

std::string TcpClient::read_to_end(bool* closed) {
    std::string out;
    char buf[4096];
    bool eof = false;
    for (int i = 0; i < 100000; ++i) {
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n == 0) {
            eof = true;
            break;
        }
        if (n < 0) {
            eof = errno == ECONNRESET;  // a reset also ends the connection
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    if (closed) *closed = eof;
    return out;
}

}  // namespace certa::test
