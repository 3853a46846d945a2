#include "handshake/serve/PassthroughSession.hpp"

#include "handshake/serve/Relay.hpp"
#include "handshake/serve/TargetConnector.hpp"

#include <spdlog/spdlog.h>

namespace certa::handshake {

void PassthroughSession::start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket) {
    std::shared_ptr<PassthroughSession> self(new PassthroughSession(context, std::move(socket), std::move(ticket)));
    TargetConnector::start(context, self->client_, [self](const boost::system::error_code& ec, Socket target) {
        if (ec) {
            spdlog::debug("serve: passthrough target {} unreachable: {}", self->context_.options.target.to_string(),
                          ec.message());
            boost::system::error_code ignored;
            self->client_.close(ignored);
            return;
        }
        Relay<Socket>::start(std::move(self->client_), std::move(target), std::move(self->ticket_),
                             self->context_.options);
    });
}

}  // namespace certa::handshake
