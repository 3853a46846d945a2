// MetricsServer against clients that dribble request headers (issue #21,
// item 6): a per-address connection limit and a deadline for the whole
// header, not an idle timeout that each byte resets. Real sockets, loopback only.
#include "cli/metrics/MetricsServer.hpp"
#include "tests/support/LoopbackSocket.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace certa;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// GET /metrics from `source`; the status line ("" when the server closed first).
std::string scrape_from(const char* source, std::uint16_t port) {
    const int fd = test::connect_from(source, port);  // 5 s receive timeout
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: metrics\r\nConnection: close\r\n\r\n";
    std::string reply;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        char buf[4096];
        for (int i = 0; i < 100; ++i) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            reply.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return reply.substr(0, reply.find("\r\n"));
}

// True when the server has ended `fd` (EOF or reset), without waiting.
bool ended(int fd) {
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// A header sent one byte per `pace` on each of `fds`; returns, per connection,
// how long it lasted (until the server ended it, or `limit`).
std::vector<Clock::duration> dribble(const std::vector<int>& fds, Clock::duration pace, Clock::duration limit) {
    const std::string header = "GET /metrics HTTP/1.1\r\nHost: metrics\r\nX-Slow: " + std::string(400, 'a');
    const auto start = Clock::now();
    std::vector<Clock::duration> lasted(fds.size(), Clock::duration::zero());
    for (std::size_t byte = 0; byte < header.size() && Clock::now() - start < limit; ++byte) {
        bool any = false;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (lasted[i] != Clock::duration::zero()) continue;
            if (ended(fds[i]) || ::send(fds[i], &header[byte], 1, MSG_NOSIGNAL) != 1) lasted[i] = Clock::now() - start;
            else any = true;
        }
        if (!any) break;
        std::this_thread::sleep_for(pace);
    }
    for (auto& d : lasted)
        if (d == Clock::duration::zero()) d = limit;
    return lasted;
}

std::unique_ptr<cli::MetricsServer> start_server(std::chrono::milliseconds header_deadline) {
    cli::MetricsServerLimits limits;
    limits.header_deadline = header_deadline;
    return std::make_unique<cli::MetricsServer>(handshake::HostPort{"127.0.0.1", 0},
                                                [] { return std::string("certa_up 1\n"); }, limits);
}

std::vector<int> connect_many(const char* source, int count, std::uint16_t port) {
    std::vector<int> fds;
    for (int i = 0; i < count; ++i) fds.push_back(test::connect_from(source, port));
    return fds;
}

}  // namespace

TEST_CASE("one address dribbling headers on many connections: another address still scrapes at once") {
    const auto server = start_server(2s);
    const std::vector<int> slow = connect_many("127.0.0.2", 20, server->port());
    for (int fd : slow) ::send(fd, "G", 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(200ms);  // the server has taken what it takes of them
    const auto started = Clock::now();
    CHECK(scrape_from("127.0.0.3", server->port()) == "HTTP/1.1 200 OK");
    CHECK(Clock::now() - started < 1s);
    // Beyond its 4 connections, 127.0.0.2 was turned away at once.
    int turned_away = 0;
    for (int fd : slow) turned_away += ended(fd);
    CHECK(turned_away == 16);
    for (int fd : slow) ::close(fd);
}

TEST_CASE("a header dribbled a byte at a time is cut at the deadline; then that address scrapes again") {
    const auto server = start_server(1s);
    const std::vector<int> slow = connect_many("127.0.0.2", 4, server->port());
    // Its limit reached, 127.0.0.2 cannot scrape while they are held.
    CHECK(scrape_from("127.0.0.2", server->port()).empty());
    // A byte every 200 ms would keep an idle timeout from ever firing; the deadline does not care.
    const auto lasted = dribble(slow, 200ms, 6s);
    for (const auto& d : lasted) {
        CHECK(d >= 700ms);  // measured in steps of the 200 ms pace
        CHECK(d < 2500ms);
    }
    for (int fd : slow) ::close(fd);
    std::this_thread::sleep_for(100ms);  // the server sees the closes
    CHECK(scrape_from("127.0.0.2", server->port()) == "HTTP/1.1 200 OK");
}

TEST_CASE("a header that arrives slowly but within the deadline is answered") {
    const auto server = start_server(2s);
    const int fd = test::connect_from("127.0.0.4", server->port());
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: metrics\r\n\r\n";
    for (char c : request) {  // about 0.9 s in all
        REQUIRE(::send(fd, &c, 1, MSG_NOSIGNAL) == 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(900) / request.size());
    }
    std::string reply;
    char buf[4096];
    for (int reads = 0; reads < 20; ++reads) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
    }
    CHECK(reply.rfind("HTTP/1.1 200 OK", 0) == 0);
    CHECK(reply.find("certa_up 1\n") != std::string::npos);
    ::close(fd);
}
