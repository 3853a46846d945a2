// One listening socket of the daemon and its accept loop. Each accepted
// socket gets its own strand and goes to `on_accept`.
#pragma once

#include "handshake/serve/HostPort.hpp"
#include "handshake/serve/ServeContext.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>

namespace certa::handshake {

class Listener {
public:
    using AcceptHandler = std::function<void(Socket)>;

    // Binds and listens at once; throws ServeError when it cannot. An empty
    // host listens on every address (IPv6 dual-stack, else IPv4).
    Listener(boost::asio::io_context& io, const HostPort& address, AcceptHandler on_accept);
    // The bound address (with the real port when 0 was asked for).
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    // Stops accepting (thread-safe: posted to the listener's strand).
    void stop();

private:
    void accept();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    AcceptHandler on_accept_;
};

}  // namespace certa::handshake
