#include "handshake/serve/UpstreamSession.hpp"

#include "handshake/serve/Relay.hpp"
#include "handshake/serve/TargetConnector.hpp"

#include <spdlog/spdlog.h>

namespace certa::handshake {

void UpstreamSession::start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                            bool sni_missing) {
    std::shared_ptr<UpstreamSession> self(
        new UpstreamSession(context, std::move(socket), std::move(ticket), sni_missing));
    self->handshake();
}

void UpstreamSession::established(bool challenge) {
    if (challenge) return shutdown_and_close();
    auto self = std::static_pointer_cast<UpstreamSession>(shared_from_this());
    TargetConnector::start(context_, stream_.next_layer(),
                           [self](const boost::system::error_code& ec, Socket target) {
                               if (ec) {
                                   spdlog::debug("serve: {}: upstream {} unreachable: {}", self->peer_,
                                                 self->context_.options.target.to_string(), ec.message());
                                   return self->shutdown_and_close();
                               }
                               Relay<TlsStream>::start(std::move(self->stream_), std::move(target),
                                                       std::move(self->ticket_), self->context_.options);
                           });
}

}  // namespace certa::handshake
