// Opens the daemon's connection to the forwarding target (--passthrough or
// --upstream): resolve, connect, then the PROXY v2 header when configured, all
// within options.connect_timeout. The socket is close-on-exec.
#pragma once

#include "handshake/serve/ServeContext.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

namespace certa::handshake {

class TargetConnector : public std::enable_shared_from_this<TargetConnector> {
public:
    using Handler = std::function<void(const boost::system::error_code&, Socket)>;

    // `client` is the accepted socket (its endpoints feed the PROXY header; its
    // executor, the connection's io thread, runs every handler).
    static void start(const ServeContext& context, Socket& client, Handler handler);

private:
    TargetConnector(const ServeContext& context, Socket& client, Handler handler);
    void resolve();
    void connect(const boost::asio::ip::tcp::resolver::results_type& results);
    void try_next(const boost::system::error_code& last);
    void send_proxy_header();
    void finish(const boost::system::error_code& error);

    const ServeContext& context_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::ip::tcp::resolver::results_type endpoints_;
    boost::asio::ip::tcp::resolver::results_type::const_iterator next_;
    Socket socket_;
    boost::asio::steady_timer deadline_;
    std::string proxy_header_;
    Handler handler_;
    bool timed_out_ = false;
};

}  // namespace certa::handshake
