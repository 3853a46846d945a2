// Every socket of `certa serve` is close-on-exec (issue #21, item 8): its
// listeners, a connection still in its ClientHello, a relayed TLS connection
// and that relay's connection to the --upstream target. A program serve
// execs (a deploy hook of the on-demand worker) must inherit none of them.
// Read from /proc/PID/fdinfo of the real daemon; loopback only.
#include "ServeProcess.hpp"
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"
#include "tests/support/LoopbackSocket.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace certa;
using namespace certa::test;

namespace {

// fd -> the "flags:" of /proc/PID/fdinfo/FD (octal) for each socket of `pid`.
std::map<int, long> socket_flags(pid_t pid) {
    std::map<int, long> out;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* d = ::opendir(dir.c_str());
    REQUIRE(d != nullptr);
    for (int i = 0; i < 10000; ++i) {  // bounded: a daemon has a few dozen descriptors
        const dirent* entry = ::readdir(d);
        if (!entry) break;
        if (entry->d_name[0] == '.') continue;
        char target[256] = {};
        if (::readlink((dir + "/" + entry->d_name).c_str(), target, sizeof target - 1) <= 0) continue;
        if (std::string(target).rfind("socket:", 0) != 0) continue;
        std::ifstream info("/proc/" + std::to_string(pid) + "/fdinfo/" + entry->d_name);
        std::string key, value;
        while (info >> key >> value)
            if (key == "flags:") out[std::stoi(entry->d_name)] = std::stol(value, nullptr, 8);
    }
    ::closedir(d);
    return out;
}

// A loopback port that completes TCP handshakes (its backlog) and never accepts.
struct SilentTarget {
    SilentTarget() { fd = listen_on_loopback(port, 8); }
    ~SilentTarget() { ::close(fd); }
    // True once a connection waits in the backlog (bounded by 10 s).
    bool connected() const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 10000) == 1;
    }
    int fd = -1;
    std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("listeners, accepted connections and the upstream connection are all close-on-exec") {
    TempDir dir;
    const std::string store_path = dir.file("certa.db");
    auto store = storage::open_store(store_path);
    put_test_cert(*store, {"app.test"});
    SilentTarget target;
    ServeProcess serve(store_path, {"--upstream", "127.0.0.1:" + std::to_string(target.port), "--threads", "2"});

    // A connection waiting in its ClientHello.
    const int stalled = connect_from("127.0.0.2", serve.port());
    const std::string hello = make_client_hello({{0, sni_body("app.test")}});
    REQUIRE(::send(stalled, hello.data(), hello.size() - 1, MSG_NOSIGNAL) > 0);
    REQUIRE(serve.wait_accepted(stalled));
    // A TLS connection relayed to the target.
    const int relayed = connect_from("127.0.0.3", serve.port());
    auto ctx = make_client_ctx();
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    REQUIRE(ssl);
    REQUIRE(SSL_set_fd(ssl.get(), relayed) == 1);
    REQUIRE(SSL_set_tlsext_host_name(ssl.get(), "app.test") == 1);
    REQUIRE(SSL_connect(ssl.get()) == 1);
    REQUIRE(target.connected());

    const auto sockets = socket_flags(serve.process().pid());
    // 2 listeners, 2 accepted connections, 1 to the target.
    CHECK(sockets.size() >= 5);
    for (const auto& [fd, flags] : sockets) {
        std::ostringstream octal;
        octal << std::oct << flags;
        INFO("fd " << fd << " flags 0" << octal.str());
        CHECK((flags & O_CLOEXEC) != 0);
    }
    ::close(stalled);
    ::close(relayed);
}
