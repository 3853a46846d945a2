#include "acme/renew/HaproxyRuntimeApi.hpp"

#include "storage/UniqueFd.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

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

// The answer on one line: HAProxy's lines joined with "; ".
std::string one_line(const std::string& answer) {
    std::istringstream in(answer);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        out += (out.empty() ? "" : "; ") + line;
    }
    if (out.size() > 300) out = out.substr(0, 300) + "...";
    return out.empty() ? "(no answer)" : out;
}

std::vector<std::string> lines_of(const std::string& answer) {
    std::vector<std::string> lines;
    std::istringstream in(answer);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
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
        throw HaproxyError("haproxy refused '" + line + "': " + one_line(answer));
}

std::vector<std::string> HaproxyRuntimeApi::certificates() const {
    const std::string answer = command("show ssl cert");
    std::vector<std::string> files;
    for (const auto& l : lines_of(answer)) {
        if (l.front() == '#' || l.front() == '*') continue;  // headers, open transactions
        if (l.find(' ') != std::string::npos) throw HaproxyError("haproxy refused 'show ssl cert': " + one_line(answer));
        files.push_back(l);
    }
    return files;
}

std::string HaproxyRuntimeApi::certificate_status(const std::string& file) const {
    for (const auto& l : lines_of(command("show ssl cert " + file)))
        if (l.rfind("Status: ", 0) == 0) return l.substr(8);
    return {};
}

std::vector<std::string> HaproxyRuntimeApi::crt_lists() const {
    const std::string answer = command("show ssl crt-list");
    std::vector<std::string> lists;
    for (const auto& l : lines_of(answer)) {
        if (l.front() == '#') continue;
        if (l.find(' ') != std::string::npos)
            throw HaproxyError("haproxy refused 'show ssl crt-list': " + one_line(answer));
        lists.push_back(l);
    }
    return lists;
}

std::vector<std::string> HaproxyRuntimeApi::crt_list_entries(const std::string& crt_list) const {
    std::vector<std::string> files;
    for (const auto& l : lines_of(command("show ssl crt-list " + crt_list))) {
        if (l.front() == '#') continue;
        files.push_back(l.substr(0, l.find(' ')));
    }
    return files;
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
    throw HaproxyError("haproxy refused '" + line + "': " + one_line(answer));
}

void HaproxyRuntimeApi::commit_certificate(const std::string& file) const {
    expect("commit ssl cert " + file, {}, "Success!");
}

void HaproxyRuntimeApi::abort_certificate(const std::string& file) const { command("abort ssl cert " + file); }

void HaproxyRuntimeApi::add_to_crt_list(const std::string& crt_list, const std::string& file) const {
    expect("add ssl crt-list " + crt_list + " " + file, {}, "Success!");
}

}  // namespace certa::acme
