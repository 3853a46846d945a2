// `certa serve` bounds and PROXY v2, end to end: the real binary, a raw TCP
// backend in this process recording exactly what arrives.
#include "ServeProcess.hpp"
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "storage/Store.hpp"
#include "tests/support/LoopbackSocket.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <thread>
#include <vector>

using namespace certa;
using namespace certa::test;

namespace {

// Accepts one connection and records every byte until EOF (or 20 s).
class RawBackend {
public:
    RawBackend() {
        listen_fd_ = listen_on_loopback(port_);
        thread_ = std::thread([this] { serve_one(); });
    }
    ~RawBackend() {
        ::shutdown(listen_fd_, SHUT_RDWR);
        if (thread_.joinable()) thread_.join();
        ::close(listen_fd_);
    }
    std::uint16_t port() const { return port_; }
    // Waits (bounded) until `n` bytes arrived.
    bool wait_for_bytes(std::size_t n, std::chrono::milliseconds timeout) const {
        for (auto until = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < until;) {
            if (received_.load() >= n) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
    // Waits for the connection to end; returns what arrived.
    std::string finish(bool* eof) {
        if (thread_.joinable()) thread_.join();
        *eof = eof_.load();
        return bytes_;
    }

private:
    void serve_one() {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        timeval tv{20, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[4096];
        for (int i = 0; i < 10000; ++i) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n == 0) eof_ = true;
            if (n <= 0) break;
            bytes_.append(buf, static_cast<std::size_t>(n));
            received_ += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::string bytes_;
    std::atomic<bool> eof_{false};
    std::atomic<std::size_t> received_{0};
};

std::uint16_t local_port(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    return ntohs(addr.sin_port);
}

struct Fixture {
    TempDir dir;
    std::string store_path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(store_path);
};

}  // namespace

TEST_CASE("--passthrough --proxy-protocol v2: header, then the client's bytes unchanged") {
    Fixture f;
    RawBackend backend;
    ServeProcess serve(f.store_path, {"--passthrough", "127.0.0.1:" + std::to_string(backend.port()),
                                      "--proxy-protocol", "v2"});
    const std::string hello = make_client_hello({{0, sni_body("raw.test")}});
    const std::string extra = "bytes after the ClientHello";
    std::uint16_t client_port = 0;
    {
        TcpClient client(serve.port());
        client_port = local_port(client.fd());
        REQUIRE(client.send_all(hello + extra));
        client.shutdown_write();
        bool closed = false;
        CHECK(client.read_to_end(&closed).empty());  // the backend sent nothing back
        CHECK(closed);
    }
    bool eof = false;
    const std::string got = backend.finish(&eof);
    CHECK(eof);  // the client's FIN was passed on
    REQUIRE(got.size() == 28 + hello.size() + extra.size());
    CHECK(got.substr(0, 12) == std::string("\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12));
    CHECK(got.substr(13, 3) == std::string("\x11\x00\x0C", 3));                  // TCP4, 12 bytes
    CHECK(got.substr(16, 8) == std::string("\x7F\x00\x00\x01\x7F\x00\x00\x01", 8));  // 127.0.0.1 both ways
    CHECK(static_cast<unsigned char>(got[24]) * 256 + static_cast<unsigned char>(got[25]) == client_port);
    CHECK(static_cast<unsigned char>(got[26]) * 256 + static_cast<unsigned char>(got[27]) == serve.port());
    CHECK(got.substr(28) == hello + extra);
}

TEST_CASE("a ClientHello arriving in pieces is waited for, then passed through whole") {
    Fixture f;
    RawBackend backend;
    ServeProcess serve(f.store_path, {"--passthrough", "127.0.0.1:" + std::to_string(backend.port())});
    const std::string hello = make_client_hello({{0, sni_body("pieces.test")}});
    {
        TcpClient client(serve.port());
        REQUIRE(client.send_all(hello.substr(0, 3)));  // not even a record header
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        REQUIRE(client.send_all(hello.substr(3, 40)));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        REQUIRE(client.send_all(hello.substr(43)));
        client.shutdown_write();
        bool closed = false;
        client.read_to_end(&closed);
        CHECK(closed);
    }
    bool eof = false;
    CHECK(backend.finish(&eof) == hello);
    CHECK(eof);
}

TEST_CASE("--idle-timeout closes a silent forwarded connection on both sides") {
    Fixture f;
    RawBackend backend;
    ServeProcess serve(f.store_path, {"--passthrough", "127.0.0.1:" + std::to_string(backend.port()),
                                      "--idle-timeout", "1"});
    TcpClient client(serve.port());
    REQUIRE(client.send_all(make_client_hello({{0, sni_body("idle.test")}})));
    bool closed = false;
    client.read_to_end(&closed);  // returns when certa closes (10 s receive timeout otherwise)
    CHECK(closed);
    bool eof = false;
    backend.finish(&eof);
    CHECK(eof);
}

TEST_CASE("--handshake-timeout drops a client that never sends a ClientHello") {
    Fixture f;
    put_test_cert(*f.store, {"app.test"});
    ServeProcess serve(f.store_path, {"--handshake-timeout", "1"});
    TcpClient silent(serve.port());
    bool closed = false;
    CHECK(silent.read_to_end(&closed).empty());
    CHECK(closed);
    // Silent from the start: the first-byte timeout (capped by the peek timeout) ends it.
    CHECK(serve.logs().find("no ClientHello byte within the first-byte timeout") != std::string::npos);
}

TEST_CASE("--max-connections: a full table evicts the oldest connection still waiting for its ClientHello") {
    Fixture f;
    auto leaf = put_test_cert(*f.store, {"app.test"});
    ServeProcess serve(f.store_path, {"--max-connections", "1"});
    // Sits in the ClientHello peek, holding the only slot. The io threads
    // accept concurrently (a listener each), so wait until it is taken.
    TcpClient holder(serve.port());
    REQUIRE(serve.wait_accepted(holder.fd()));
    // The next connection is admitted: the holder makes room.
    CHECK(first_pem(s_client(serve.port(), "app.test").out) == leaf.cert.cert_pem);
    bool closed = false;
    CHECK(holder.read_to_end(&closed).empty());
    CHECK(closed);
    CHECK(serve.logs().find("evicted: the table is full") != std::string::npos);
    CHECK(serve.logs().find("connection limit reached") == std::string::npos);
}

TEST_CASE("--max-connections: with every slot past its ClientHello, one more is closed at once") {
    Fixture f;
    RawBackend backend;
    ServeProcess serve(f.store_path, {"--passthrough", "127.0.0.1:" + std::to_string(backend.port()),
                                      "--max-connections", "1"});
    TcpClient relayed(serve.port());  // routed to the backend: never evicted
    const std::string hello = make_client_hello({{0, sni_body("relayed.test")}});
    REQUIRE(relayed.send_all(hello));
    REQUIRE(backend.wait_for_bytes(hello.size(), std::chrono::seconds(10)));
    TcpClient refused(serve.port());
    refused.send_all(make_client_hello({{0, sni_body("refused.test")}}));
    bool closed = false;
    CHECK(refused.read_to_end(&closed).empty());
    CHECK(closed);
    CHECK(serve.wait_for_log("connection limit reached", std::chrono::seconds(5)));
    relayed.shutdown_write();
    bool eof = false;
    CHECK(backend.finish(&eof).size() > 0);
    CHECK(eof);
}

TEST_CASE("one client's silent sockets: capped per address, closed after the first-byte timeout; others served") {
    Fixture f;
    auto leaf = put_test_cert(*f.store, {"app.test"});
    ServeProcess serve(f.store_path, {"--max-connections-per-client", "3", "--first-byte-timeout", "1"});
    std::vector<int> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(connect_from("127.0.0.2", serve.port()));
        REQUIRE(serve.wait_accepted(held.back()));  // taken in order: the fourth is the one over the cap
    }
    // Over the cap: closed at once, while the three are still held.
    const int over = connect_from("127.0.0.2", serve.port());
    CHECK(closed_by_server(over));
    ::close(over);
    CHECK(serve.wait_for_log("connection limit reached", std::chrono::seconds(5)));
    // Another address is not affected by 127.0.0.2's cap.
    CHECK(first_pem(s_client(serve.port(), "app.test").out) == leaf.cert.cert_pem);
    // The held ones never sent a byte: dropped after about a second.
    for (int fd : held) {
        CHECK(closed_by_server(fd));
        ::close(fd);
    }
    CHECK(serve.logs().find("no ClientHello byte within the first-byte timeout") != std::string::npos);
}

TEST_CASE("--shutdown-grace: a connection still open when it ends is cut, exit 0") {
    Fixture f;
    ServeProcess serve(f.store_path, {"--shutdown-grace", "1"});
    TcpClient stuck(serve.port());  // never sends: in flight until the 10 s ClientHello timeout
    REQUIRE(serve.wait_for_log("serve: accepted 127.0.0.1:" + std::to_string(local_port(stuck.fd())),
                               std::chrono::seconds(10)));
    REQUIRE(::kill(serve.process().pid(), SIGTERM) == 0);
    auto result = serve.process().stop(0, std::chrono::seconds(15));  // signal 0: just wait
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("serve: stopping; 1 connection(s) open") != std::string::npos);
    CHECK(result.err.find("grace period over") != std::string::npos);
    bool closed = false;
    stuck.read_to_end(&closed);
    CHECK(closed);
}
