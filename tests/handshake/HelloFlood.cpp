#include "HelloFlood.hpp"

#include "TlsTestPeer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

namespace certa::test {

bool send_client_hello(std::uint16_t port, const std::string& source, const std::string& sni) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool closed = false;
    if (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) == 1 &&
        ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0 &&
        ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
        const std::string hello = make_client_hello({{0, sni_body(sni)}});
        if (::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(hello.size())) {
            ::shutdown(fd, SHUT_WR);
            char buf[4096];
            for (int i = 0; i < 64; ++i) {  // an alert is a few bytes: a handful of reads at most
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    closed = n == 0 || errno == ECONNRESET;
                    break;
                }
            }
        }
    }
    ::close(fd);
    return closed;
}

FloodResult flood_client_hellos(std::uint16_t port, const std::string& source, int count, int threads,
                                const std::function<std::string(int)>& sni) {
    std::atomic<int> closed{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = t; i < count; i += threads) closed += send_client_hello(port, source, sni(i));
        });
    for (auto& w : workers) w.join();
    FloodResult r;
    r.sent = count;
    r.closed = closed.load();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
}

}  // namespace certa::test
