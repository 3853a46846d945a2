#include "StalledHelloFlood.hpp"

#include "TlsTestPeer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>

namespace certa::test {

std::vector<std::string> loopback_sources(int first, int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.push_back("127.0.0." + std::to_string(first + i));
    return out;
}

long raise_fd_limit(long wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    const rlim_t target = std::min<rlim_t>(static_cast<rlim_t>(wanted), limit.rlim_max);
    if (limit.rlim_cur < target) {
        limit.rlim_cur = target;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return static_cast<long>(limit.rlim_cur);
}

StalledHelloFlood::StalledHelloFlood(StalledHelloOptions options) : options_(std::move(options)) {
    // A real ClientHello padded (RFC 7685) to about hello_bytes; the last byte is never sent.
    const std::string bare = make_client_hello({{0, sni_body("stalled.test")}});
    const std::size_t pad = options_.hello_bytes > bare.size() + 4 ? options_.hello_bytes - bare.size() - 4 : 0;
    const std::string hello = make_client_hello({{0, sni_body("stalled.test")}, {21, std::string(pad, '\0')}});
    partial_ = hello.substr(0, hello.size() - 1);
    // Bounded in time too: what is not open after 30 s is left to the keeper.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (std::size_t s = 0; s < options_.sources.size(); ++s)
        for (int i = 0; i < options_.per_source; ++i) {
            const int fd = std::chrono::steady_clock::now() < until ? connect_one(s) : -1;
            slots_.push_back({fd, s});
            if (fd >= 0) ++open_;
        }
    keeper_ = std::thread([this] { keep(); });
}

StalledHelloFlood::~StalledHelloFlood() {
    stop_ = true;
    keeper_.join();
    for (const Slot& slot : slots_)
        if (slot.fd >= 0) ::close(slot.fd);
}

// -1 when it cannot connect within 2 s (a full accept queue) or send.
int StalledHelloFlood::connect_one(std::size_t source) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(options_.port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::inet_pton(AF_INET, options_.sources[source].c_str(), &from.sin_addr) == 1 &&
                    ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0 &&
                    ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
                    ::send(fd, partial_.data(), partial_.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(partial_.size());
    if (ok) return fd;
    ::close(fd);
    return -1;
}

// Each round: which connections did serve close (it never sends a byte to a
// stalled hello, so anything readable is an end)? Re-open some of them.
void StalledHelloFlood::keep() {
    const auto until = std::chrono::steady_clock::now() + options_.lifetime;
    std::vector<pollfd> fds(slots_.size());
    while (!stop_ && std::chrono::steady_clock::now() < until) {
        for (std::size_t i = 0; i < slots_.size(); ++i) fds[i] = {slots_[i].fd, POLLIN | POLLRDHUP, 0};
        ::poll(fds.data(), fds.size(), 0);
        int reopened = 0;
        int open = 0;
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            Slot& slot = slots_[i];
            if (slot.fd >= 0 && fds[i].revents != 0) {
                ::close(slot.fd);
                slot.fd = -1;
                ++closed_;
            }
            if (slot.fd < 0 && reopened < options_.reopen_per_round) {
                ++reopened;
                slot.fd = connect_one(slot.source);
            }
            if (slot.fd >= 0) ++open;
        }
        open_ = open;
        std::this_thread::sleep_for(options_.round);
    }
}

bool StalledHelloFlood::wait_holding(int at_least, std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    int rounds_held = 0;
    while (std::chrono::steady_clock::now() < until) {
        rounds_held = open() >= at_least ? rounds_held + 1 : 0;
        if (rounds_held >= 2) return true;
        std::this_thread::sleep_for(options_.round);
    }
    return false;
}

}  // namespace certa::test
