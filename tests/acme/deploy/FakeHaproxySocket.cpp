#include "FakeHaproxySocket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace certa::test {

FakeHaproxySocket::FakeHaproxySocket(std::string path, Answer answer)
    : path_(std::move(path)), answer_(std::move(answer)) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (listener_ < 0 || path_.size() >= sizeof addr.sun_path) throw std::runtime_error("fake haproxy: socket");
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    ::unlink(path_.c_str());
    if (::bind(listener_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 8) != 0)
        throw std::runtime_error(std::string("fake haproxy: bind: ") + std::strerror(errno));
    thread_ = std::thread([this] { serve(); });
}

FakeHaproxySocket::~FakeHaproxySocket() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
    ::unlink(path_.c_str());
}

std::vector<std::string> FakeHaproxySocket::commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
}

void FakeHaproxySocket::serve() {
    while (!stop_) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        // One request: a line, or with "<<" a payload that ends with an empty line.
        std::string request;
        char buf[4096];
        for (;;) {
            const auto nl = request.find('\n');
            if (nl != std::string::npos) {
                const bool payload = request.substr(0, nl).find("<<") != std::string::npos;
                if (!payload || request.find("\n\n", nl) != std::string::npos) break;
            }
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) break;
            request.append(buf, static_cast<std::size_t>(n));
        }
        const std::string line = request.substr(0, request.find('\n'));
        {
            std::lock_guard lock(mutex_);
            commands_.push_back(line);
        }
        const std::string answer = answer_(line);
        (void)!::write(fd, answer.data(), answer.size());
        ::close(fd);
    }
}

}  // namespace certa::test
