// Listener::bind_group: one SO_REUSEPORT listener per io context on one port;
// the kernel spreads connections over them, and a port another socket holds
// is refused (SO_REUSEPORT must not let a second daemon share it silently).
#include "handshake/serve/Listener.hpp"
#include "handshake/serve/ServeError.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <thread>

using namespace certa::handshake;
namespace asio = boost::asio;
using asio::ip::tcp;

TEST_CASE("bind_group: one port for every io context, connections spread over them") {
    asio::io_context first(1), second(1);
    std::array<int, 2> accepted{0, 0};
    int wrong_remote = 0, not_nodelay = 0, blocking = 0;
    std::vector<Socket> kept;
    auto group = Listener::bind_group({&first, &second}, HostPort{"127.0.0.1", 0}, [&](Socket socket, const tcp::endpoint& remote) {
        // The address accept4 reported is the peer's.
        if (remote != socket.remote_endpoint()) ++wrong_remote;
        // The router sets neither per connection: non-blocking from accept4,
        // TCP_NODELAY inherited from the listener.
        int nodelay = 0;
        socklen_t length = sizeof nodelay;
        getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &length);
        if (nodelay != 1) ++not_nodelay;
        if ((::fcntl(socket.native_handle(), F_GETFL) & O_NONBLOCK) == 0) ++blocking;
        // Which io context accepted it: the socket's executor tells.
        accepted[&socket.get_executor().query(asio::execution::context) == &first ? 0 : 1]++;
        kept.push_back(std::move(socket));
    });
    REQUIRE(group.size() == 2);
    const auto port = group[0]->local_endpoint().port();
    CHECK(port != 0);
    CHECK(group[1]->local_endpoint().port() == port);
    for (auto& listener : group) listener->start();

    // 64 connections from distinct source ports: the kernel's hash puts all of
    // them on one listener with probability 2^-63.
    asio::io_context clients;
    std::vector<tcp::socket> sockets;
    for (int i = 0; i < 64; ++i) {
        sockets.emplace_back(clients);
        sockets.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (accepted[0] + accepted[1] < 64 && std::chrono::steady_clock::now() < until) {
        first.poll();
        second.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(accepted[0] + accepted[1] == 64);
    CHECK(accepted[0] > 0);
    CHECK(accepted[1] > 0);
    CHECK(wrong_remote == 0);
    CHECK(not_nodelay == 0);
    CHECK(blocking == 0);
}

TEST_CASE("bind_group: a port another socket listens on is refused, even one with SO_REUSEPORT") {
    asio::io_context io(1);
    auto held = Listener::bind_group({&io}, HostPort{"127.0.0.1", 0}, [](Socket, const tcp::endpoint&) {});
    const auto port = held[0]->local_endpoint().port();
    try {
        Listener::bind_group({&io, &io}, HostPort{"127.0.0.1", port}, [](Socket, const tcp::endpoint&) {});
        FAIL("a second group bound the same port");
    } catch (const ServeError& e) {
        CHECK(std::string(e.what()) == "cannot listen on 127.0.0.1:" + std::to_string(port) + ": Address already in use");
    }
    // And a plain listener (no SO_REUSEPORT) too.
    tcp::acceptor plain(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto plain_port = plain.local_endpoint().port();
    CHECK_THROWS_AS(Listener::bind_group({&io}, HostPort{"127.0.0.1", plain_port}, [](Socket, const tcp::endpoint&) {}), ServeError);
    CHECK_THROWS_AS(Listener::bind_group({&io}, HostPort{"localhost", 443}, [](Socket, const tcp::endpoint&) {}), ServeError);
}
