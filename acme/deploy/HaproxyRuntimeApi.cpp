#include "acme/deploy/HaproxyRuntimeApi.hpp"

#include "acme/deploy/HaproxyAnswer.hpp"
#include "storage/base/UniqueFd.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace certa::acme {

namespace {

constexpr std::size_t kMaxAnswer = 1 << 20;

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

// management.txt §9.3 gives the stats socket to whoever may reach it; certa
// also wants the process answering to be root or the socket file's owner
// (HAProxy itself), not whoever replaced the file meanwhile.
void check_peer(int fd, const std::string& socket_path, const std::string& where) {
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0)
        throw HaproxyError(where + ": cannot read the peer's credentials: " + std::strerror(errno));
    struct stat st {};
    if (::lstat(socket_path.c_str(), &st) != 0) throw HaproxyError(where + ": " + std::strerror(errno));
    if (peer.uid != 0 && peer.uid != st.st_uid)
        throw HaproxyError(where + ": the process answering (uid " + std::to_string(peer.uid) +
                           ") is neither root nor the socket's owner (uid " + std::to_string(st.st_uid) + ")");
}

}  // namespace

std::string without_blank_lines(std::string_view pem) {
    std::string out;
    std::size_t begin = 0;
    while (begin < pem.size()) {
        auto end = pem.find('\n', begin);
        if (end == std::string_view::npos) end = pem.size();
        std::string_view line = pem.substr(begin, end - begin);
        while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") != std::string_view::npos) {
            out.append(line);
            out += '\n';
        }
        begin = end + 1;
    }
    return out;
}

HaproxyRuntimeApi::HaproxyRuntimeApi(std::string socket_path, std::chrono::milliseconds timeout)
    : socket_path_(std::move(socket_path)), timeout_(timeout) {}

std::string HaproxyRuntimeApi::command(const std::string& line, std::string_view payload) const {
    const std::string where = "haproxy socket " + socket_path_;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path_.size() >= sizeof addr.sun_path) throw HaproxyError(where + ": path too long");
    std::memcpy(addr.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) throw HaproxyError(where + ": " + std::strerror(errno));
    const auto deadline = Clock::now() + timeout_;
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) throw HaproxyError(where + ": " + std::strerror(errno));
        if (!wait_for(fd.get(), POLLOUT, deadline)) throw HaproxyError(where + ": connect timed out");
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) throw HaproxyError(where + ": " + std::strerror(err));
    }
    check_peer(fd.get(), socket_path_, where);
    // management.txt §9.3: a payload follows "<<" and ends with an empty line.
    std::string request = line;
    if (!payload.empty()) {
        request += " <<\n" + without_blank_lines(payload) + "\n";
    } else {
        request += "\n";
    }
    std::string_view rest = request;
    while (!rest.empty()) {
        if (!wait_for(fd.get(), POLLOUT, deadline)) throw HaproxyError(where + ": timed out sending a command");
        const ssize_t n = ::send(fd.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw HaproxyError(where + ": " + std::strerror(errno));
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    std::string answer;
    char buf[4096];
    for (;;) {
        if (!wait_for(fd.get(), POLLIN, deadline)) throw HaproxyError(where + ": no complete answer in time");
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw HaproxyError(where + ": " + std::strerror(errno));
        }
        answer.append(buf, static_cast<std::size_t>(n));
        if (answer.size() > kMaxAnswer) throw HaproxyError(where + ": answer larger than 1 MiB");
    }
    return answer;
}

void HaproxyRuntimeApi::expect(const std::string& line, std::string_view payload, std::string_view success) const {
    const std::string answer = command(line, payload);
    if (answer.find(success) == std::string::npos)
        throw HaproxyError("haproxy refused '" + line + "': " + answer_one_line(answer));
}

std::vector<std::string> HaproxyRuntimeApi::certificates() const {
    const std::string answer = command("show ssl cert");
    auto files = parse_path_listing(answer);
    if (!files) throw HaproxyError("haproxy refused 'show ssl cert': " + answer_one_line(answer));
    return std::move(*files);
}

std::string HaproxyRuntimeApi::certificate_status(const std::string& file) const {
    return parse_certificate_status(command("show ssl cert " + file));
}

std::vector<std::string> HaproxyRuntimeApi::crt_lists() const {
    const std::string answer = command("show ssl crt-list");
    auto lists = parse_path_listing(answer);
    if (!lists) throw HaproxyError("haproxy refused 'show ssl crt-list': " + answer_one_line(answer));
    return std::move(*lists);
}

std::vector<std::string> HaproxyRuntimeApi::crt_list_entries(const std::string& crt_list) const {
    return parse_crt_list_entries(command("show ssl crt-list " + crt_list));
}

void HaproxyRuntimeApi::new_certificate(const std::string& file) const {
    expect("new ssl cert " + file, {}, "New empty certificate store");
}

bool HaproxyRuntimeApi::set_certificate(const std::string& file, std::string_view pem) const {
    const std::string line = "set ssl cert " + file;
    const std::string answer = command(line, pem);
    if (answer.find("Transaction created for") != std::string::npos ||
        answer.find("Transaction updated for") != std::string::npos)
        return true;
    if (answer.find("not referenced by the configuration") != std::string::npos) return false;
    throw HaproxyError("haproxy refused '" + line + "': " + answer_one_line(answer));
}

void HaproxyRuntimeApi::commit_certificate(const std::string& file) const {
    expect("commit ssl cert " + file, {}, "Success!");
}

void HaproxyRuntimeApi::abort_certificate(const std::string& file) const { command("abort ssl cert " + file); }

void HaproxyRuntimeApi::add_to_crt_list(const std::string& crt_list, const std::string& file) const {
    expect("add ssl crt-list " + crt_list + " " + file, {}, "Success!");
}

}  // namespace certa::acme
