// One listening socket of the daemon and its accept loop, owned by one io
// thread's io_context: every connection it accepts lives on that thread, so
// no handler of a connection ever waits for another thread.
//
// A listen address gets one Listener per io thread (bind_group), each with
// its own socket bound with SO_REUSEPORT: the kernel spreads new connections
// over the threads. Before the group binds, a plain socket checks that no
// other process listens there (two daemons of the same user would otherwise
// share the port without a word).
//
// Listening and accepted sockets are close-on-exec (CloseOnExec).
#pragma once

#include "handshake/serve/HostPort.hpp"
#include "handshake/serve/ServeContext.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace certa::handshake {

class Listener {
public:
    // The accepted socket and its peer's address.
    using AcceptHandler = std::function<void(Socket, const boost::asio::ip::tcp::endpoint&)>;

    // One listener per io_context in `ios` on `address` (an empty host listens
    // on every address: IPv6 dual-stack, else IPv4). Port 0 gets one port for
    // the whole group. Throws ServeError when it cannot bind.
    static std::vector<std::unique_ptr<Listener>> bind_group(
        const std::vector<boost::asio::io_context*>& ios, const HostPort& address, const AcceptHandler& on_accept);

    Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, bool dual_stack,
             AcceptHandler on_accept);
    // The bound address (with the real port when 0 was asked for).
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    // Stops accepting (thread-safe: posted to the listener's io thread).
    void stop();

private:
    void accept();
    void back_off(const boost::system::error_code& ec);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    AcceptHandler on_accept_;
};

}  // namespace certa::handshake
