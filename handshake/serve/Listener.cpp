#include "handshake/serve/Listener.hpp"

#include "handshake/serve/ServeError.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace certa::handshake {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr int kBacklog = 1024;
// After a failed accept (e.g. EMFILE), wait before trying again instead of spinning.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

void open_and_bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint, bool dual_stack) {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    if (endpoint.protocol() == tcp::v6()) acceptor.set_option(asio::ip::v6_only(!dual_stack));
    acceptor.bind(endpoint);
    acceptor.listen(kBacklog);
}

}  // namespace

Listener::Listener(asio::io_context& io, const HostPort& address, AcceptHandler on_accept)
    : io_(io), acceptor_(asio::make_strand(io)), backoff_(acceptor_.get_executor()), on_accept_(std::move(on_accept)) {
    try {
        if (address.host.empty()) {
            try {
                open_and_bind(acceptor_, tcp::endpoint(tcp::v6(), address.port), true);
            } catch (const boost::system::system_error&) {
                // No IPv6 on this host: every IPv4 address instead.
                error_code ignored;
                acceptor_.close(ignored);
                open_and_bind(acceptor_, tcp::endpoint(tcp::v4(), address.port), false);
            }
        } else {
            error_code ec;
            auto ip = asio::ip::make_address(address.host, ec);
            if (ec) throw ServeError("listen address must be an IP address: '" + address.host + "'");
            open_and_bind(acceptor_, tcp::endpoint(ip, address.port), false);
        }
    } catch (const boost::system::system_error& e) {
        throw ServeError("cannot listen on " + address.to_string() + ": " + e.code().message());
    }
}

tcp::endpoint Listener::local_endpoint() const {
    error_code ec;
    return acceptor_.local_endpoint(ec);
}

void Listener::start() { accept(); }

void Listener::stop() {
    asio::post(acceptor_.get_executor(), [this] {
        error_code ignored;
        backoff_.cancel(ignored);
        acceptor_.close(ignored);
    });
}

void Listener::accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](const error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
            spdlog::debug("serve: accept failed: {}", ec.message());
            backoff_.expires_after(kAcceptBackoff);
            backoff_.async_wait([this](const error_code& wec) {
                if (!wec && acceptor_.is_open()) accept();
            });
            return;
        }
        on_accept_(std::move(socket));
        accept();
    });
}

}  // namespace certa::handshake
