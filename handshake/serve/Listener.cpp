#include "handshake/serve/Listener.hpp"

#include "handshake/serve/CloseOnExec.hpp"
#include "handshake/serve/ServeError.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <chrono>

namespace certa::handshake {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr int kBacklog = 1024;
// Connections taken per readiness wake before the loop serves others.
constexpr int kAcceptBatch = 32;
constexpr std::chrono::milliseconds kAcceptBackoff{100};

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

void open_or_throw(tcp::acceptor& acceptor, const tcp& protocol) {
    error_code ec;
    open_cloexec(acceptor, protocol, ec);
    if (ec) throw boost::system::system_error(ec);
}

void open_and_bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint, bool dual_stack, bool reuse_port) {
    open_or_throw(acceptor, endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    if (reuse_port) acceptor.set_option(ReusePort(true));
    if (endpoint.protocol() == tcp::v6()) acceptor.set_option(asio::ip::v6_only(!dual_stack));
    acceptor.bind(endpoint);
}

// Binds (without listening, without SO_REUSEPORT) and lets go: throws when
// another socket holds the address, whatever options that one has.
void check_free(asio::io_context& io, const tcp::endpoint& endpoint, bool dual_stack) {
    tcp::acceptor probe(io);
    open_and_bind(probe, endpoint, dual_stack, false);
}

// Where the group binds: an IP address, or for an empty host every address
// (IPv6 dual-stack when the host has IPv6, else IPv4). Checks the port is free.
std::pair<tcp::endpoint, bool> resolve_free(asio::io_context& io, const HostPort& address) {
    if (address.host.empty()) {
        tcp::endpoint any6(tcp::v6(), address.port);
        try {
            if (address.port != 0) check_free(io, any6, true);
            else {
                tcp::acceptor probe(io);   // is there IPv6 at all?
                open_or_throw(probe, tcp::v6());
            }
            return {any6, true};
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::address_in_use) throw;
            tcp::endpoint any4(tcp::v4(), address.port);  // no IPv6 on this host
            if (address.port != 0) check_free(io, any4, false);
            return {any4, false};
        }
    }
    error_code ec;
    auto ip = asio::ip::make_address(address.host, ec);
    if (ec) throw ServeError("listen address must be an IP address: '" + address.host + "'");
    tcp::endpoint endpoint(ip, address.port);
    if (address.port != 0) check_free(io, endpoint, false);
    return {endpoint, false};
}

}  // namespace

std::vector<std::unique_ptr<Listener>> Listener::bind_group(const std::vector<asio::io_context*>& ios,
                                                            const HostPort& address,
                                                            const AcceptHandler& on_accept) {
    std::vector<std::unique_ptr<Listener>> group;
    try {
        auto [endpoint, dual_stack] = resolve_free(*ios.front(), address);
        for (auto* io : ios) {
            group.push_back(std::make_unique<Listener>(*io, endpoint, dual_stack, on_accept));
            endpoint.port(group.front()->local_endpoint().port());  // port 0: the rest join the first's port
        }
    } catch (const boost::system::system_error& e) {
        throw ServeError("cannot listen on " + address.to_string() + ": " + e.code().message());
    }
    return group;
}

Listener::Listener(asio::io_context& io, const tcp::endpoint& endpoint, bool dual_stack, AcceptHandler on_accept)
    : acceptor_(io), backoff_(io), on_accept_(std::move(on_accept)) {
    open_and_bind(acceptor_, endpoint, dual_stack, true);
    // Linux copies the listener's TCP options into each connection it
    // accepts: TCP_NODELAY set here once (a handshake's flights are sent
    // whole, never held for an ACK) is no setsockopt per connection.
    acceptor_.set_option(tcp::no_delay(true));
    acceptor_.listen(kBacklog);
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

// Waits until a connection is there, then takes it (and any others queued,
// up to kAcceptBatch) with accept4: close-on-exec from the start.
void Listener::accept() {
    acceptor_.async_wait(tcp::acceptor::wait_read, [this](const error_code& ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) return back_off(ec);
        for (int i = 0; i < kAcceptBatch; ++i) {
            error_code aec;
            tcp::endpoint remote;
            Socket socket = accept_cloexec(acceptor_, aec, &remote);
            if (aec == asio::error::would_block) break;
            if (aec == asio::error::connection_aborted) continue;  // gone before we took it
            if (aec) return back_off(aec);
            on_accept_(std::move(socket), remote);
        }
        accept();
    });
}

// After a failed accept (e.g. EMFILE), wait before trying again instead of spinning.
void Listener::back_off(const error_code& ec) {
    spdlog::debug("serve: accept failed: {}", ec.message());
    backoff_.expires_after(kAcceptBackoff);
    backoff_.async_wait([this](const error_code& wec) {
        if (!wec && acceptor_.is_open()) accept();
    });
}

}  // namespace certa::handshake
