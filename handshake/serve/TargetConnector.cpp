#include "handshake/serve/TargetConnector.hpp"

#include "handshake/serve/CloseOnExec.hpp"
#include "handshake/serve/ProxyProtocol.hpp"

#include <boost/asio/write.hpp>

namespace certa::handshake {

namespace asio = boost::asio;
using boost::system::error_code;

TargetConnector::TargetConnector(const ServeContext& context, Socket& client, Handler handler)
    : context_(context),
      resolver_(client.get_executor()),
      socket_(client.get_executor()),
      deadline_(client.get_executor()),
      handler_(std::move(handler)) {
    error_code ec1, ec2;
    auto remote = client.remote_endpoint(ec1);
    auto local = client.local_endpoint(ec2);
    if (context_.options.proxy_protocol_v2 && !ec1 && !ec2) proxy_header_ = proxy_v2_header(remote, local);
}

void TargetConnector::start(const ServeContext& context, Socket& client, Handler handler) {
    std::shared_ptr<TargetConnector> self(new TargetConnector(context, client, std::move(handler)));
    self->deadline_.expires_after(context.options.connect_timeout);
    self->deadline_.async_wait([self](const error_code& ec) {
        if (ec) return;  // cancelled: finished in time
        self->timed_out_ = true;
        self->resolver_.cancel();
        error_code ignored;
        self->socket_.close(ignored);
    });
    self->resolve();
}

void TargetConnector::resolve() {
    const HostPort& target = context_.options.target;
    resolver_.async_resolve(target.host, std::to_string(target.port),
                            [self = shared_from_this()](const error_code& ec, auto results) {
                                if (ec) return self->finish(ec);
                                self->connect(results);
                            });
}

void TargetConnector::connect(const asio::ip::tcp::resolver::results_type& results) {
    endpoints_ = results;
    next_ = endpoints_.begin();
    try_next(asio::error::host_not_found);
}

// Each resolved address in turn (as asio::async_connect would), on a socket
// opened close-on-exec: asio's own connect opens without SOCK_CLOEXEC.
void TargetConnector::try_next(const error_code& last) {
    if (timed_out_ || next_ == endpoints_.end()) return finish(last);
    const asio::ip::tcp::endpoint endpoint = *next_++;
    error_code ec;
    open_cloexec(socket_, endpoint.protocol(), ec);
    if (ec) return try_next(ec);
    socket_.async_connect(endpoint, [self = shared_from_this()](const error_code& cec) {
        if (cec) return self->try_next(cec);
        error_code ignored;
        self->socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
        self->send_proxy_header();
    });
}

void TargetConnector::send_proxy_header() {
    if (proxy_header_.empty()) return finish({});
    asio::async_write(socket_, asio::buffer(proxy_header_),
                      [self = shared_from_this()](const error_code& ec, std::size_t) { self->finish(ec); });
}

void TargetConnector::finish(const error_code& error) {
    deadline_.cancel();
    if (!handler_) return;
    auto handler = std::move(handler_);
    handler_ = nullptr;
    error_code result = timed_out_ ? error_code(asio::error::timed_out) : error;
    handler(result, std::move(socket_));
}

}  // namespace certa::handshake
