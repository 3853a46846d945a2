// RequestSocket (certa worker --request-socket) over a real OnDemandGate,
// Agent and SQLite store, through a real local socket: the answers (wait
// for an allowed name, with its request in the store; deny for one no rule
// allows; serve for a name with a valid certificate), the socket file's
// mode, and the bounds (an over-long line and a malformed one close the
// connection; a live socket is not taken over; the file goes at the end).
#include "handshake/ondemand/RequestSocket.hpp"

#include "GateFixture.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

using namespace certa;
using namespace certa::test;

namespace {

// A connected client with a 5 s receive timeout (-1 when it cannot connect).
int connect_to(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends `text` and returns what comes back before the first LF or EOF ("<eof>").
std::string talk(int fd, const std::string& text) {
    if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) return "<send>";
    std::string got;
    char c;
    while (got.size() < 64) {
        const ssize_t n = ::recv(fd, &c, 1, 0);
        if (n <= 0) return got.empty() ? "<eof>" : got;
        if (c == '\n') return got;
        got += c;
    }
    return got;
}

}  // namespace

TEST_CASE("the request socket answers by the gate's rules and keeps its bounds") {
    GateFixture f;
    f.put("valid.gate.example", 86400);
    handshake::RequestSocketOptions options;
    options.path = f.dir.file("worker.sock");
    options.group = ::getgid();
    options.max_lines = 4;
    auto socket = std::make_unique<handshake::RequestSocket>(options, *f.gate);

    struct stat st {};
    REQUIRE(::stat(options.path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0660);

    const int fd = connect_to(options.path);
    REQUIRE(fd >= 0);
    CHECK(talk(fd, "new.gate.example 192.0.2.7\n") == "wait");
    CHECK(talk(fd, "New.Gate.Example.\n") == "wait");  // pending already: the same name
    CHECK(talk(fd, "other.example 2001:db8::1\n") == "deny");
    CHECK(talk(fd, "valid.gate.example 192.0.2.7\n") == "serve");
    CHECK(talk(fd, "one.gate.example\n") == "<eof>");  // a fifth line on one connection
    ::close(fd);
    CHECK(f.request_for("new.gate.example"));
    for (const auto& r : f.store->due_issuance_requests(0)) CHECK(r.name != "other.example");

    const int bad = connect_to(options.path);
    CHECK(talk(bad, "x.gate.example not-an-address\n") == "<eof>");
    ::close(bad);
    const int flood = connect_to(options.path);
    CHECK(talk(flood, std::string(handshake::kMaxRequestLine + 10, 'a') + "\n") == "<eof>");
    ::close(flood);
    const auto stats = socket->stats();
    CHECK(stats.requests == 4);
    CHECK(stats.waits == 2);
    CHECK(stats.denials == 1);
    CHECK(stats.bad_lines == 3);

    // A live socket is not taken over; the file goes with the socket.
    CHECK_THROWS_AS(handshake::RequestSocket(options, *f.gate), handshake::RequestSocketError);
    socket.reset();
    CHECK(::access(options.path.c_str(), F_OK) != 0);
    // A stale file (bound, but nobody accepts) is replaced.
    {
        const int stale = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", options.path.c_str());
        REQUIRE(::bind(stale, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
        ::close(stale);
    }
    {
        handshake::RequestSocket again(options, *f.gate);
        const int fd2 = connect_to(options.path);
        CHECK(talk(fd2, "valid.gate.example\n") == "serve");
        ::close(fd2);
    }
}
