#include "handshake/serve/TlsSession.hpp"

#include "handshake/agent/Agent.hpp"
#include "handshake/agent/ConnectionAddress.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <boost/asio/ssl/error.hpp>
#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <array>
#include <cstring>
#include <sstream>

namespace certa::handshake {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

const char* describe(Selection::Kind kind) {
    switch (kind) {
        case Selection::Kind::Challenge: return "challenge certificate";
        case Selection::Kind::Leaf: return "leaf";
        case Selection::Kind::Default: return "default leaf";
        case Selection::Kind::None: break;
    }
    return "no certificate";
}

std::string endpoint_text(const Socket& socket) {
    error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) return "?";
    std::ostringstream out;
    out << remote;
    return out.str();
}

// The socket's local address as canonical_ip text ("" when unknown); an
// IPv4-mapped IPv6 address (dual-stack listener) reads as the IPv4 one.
std::string local_ip_text(const Socket& socket) {
    error_code ec;
    auto local = socket.local_endpoint(ec);
    if (ec) return {};
    auto address = local.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    return storage::canonical_ip(address.to_string()).value_or("");
}

// True when the handshake negotiated ALPN acme-tls/1 (RFC 8737 §6.2).
bool negotiated_acme_tls(SSL* ssl) {
    const unsigned char* proto = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl, &proto, &length);
    return proto != nullptr && length == std::strlen(kAcmeTlsAlpn) &&
           std::memcmp(proto, kAcmeTlsAlpn, length) == 0;
}

}  // namespace

TlsSession::TlsSession(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                       bool sni_missing)
    : context_(context),
      stream_(std::move(socket), context.tls.native_handle()),
      ticket_(std::move(ticket)),
      deadline_(stream_.get_executor()),
      peer_(spdlog::should_log(spdlog::level::debug) ? endpoint_text(stream_.next_layer()) : std::string()) {
    if (!sni_missing || !stream_.native_handle()) return;
    // The SSL keeps its own copy: it outlives this session when a Relay takes the stream.
    if (std::string local_ip = local_ip_text(stream_.next_layer()); !local_ip.empty())
        set_connection_local_ip(stream_.native_handle(), std::move(local_ip));
}

void TlsSession::start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                       bool sni_missing) {
    std::shared_ptr<TlsSession> self(new TlsSession(context, std::move(socket), std::move(ticket), sni_missing));
    self->handshake();
}

void TlsSession::handshake() {
    deadline_.expires_after(context_.options.handshake_timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (ec) return;
        spdlog::debug("serve: {}: TLS handshake timed out", self->peer_);
        self->close();
    });
    stream_.async_handshake([self = shared_from_this()](const error_code& ec) {
        self->deadline_.cancel();
        if (spdlog::should_log(spdlog::level::debug)) {
            auto selection = Agent::last_selection(self->stream_.native_handle());
            const std::string sni = selection ? selection->server_name : std::string();
            if (ec)
                spdlog::debug("serve: {}: TLS handshake failed (sni '{}'): {}", self->peer_, sni, ec.message());
            else
                spdlog::debug("serve: {}: handshake done, sni '{}', served {}", self->peer_, sni,
                              describe(selection ? selection->kind : Selection::Kind::None));
        }
        if (ec) return self->close();
        self->established(negotiated_acme_tls(self->stream_.native_handle()));
    });
}

void TlsSession::established(bool /*challenge*/) {
    // RFC 8737 §3: once the handshake is complete the connection is closed.
    shutdown_and_close();
}

void TlsSession::shutdown_and_close() {
    stream_.send_close_notify();
    // Bytes left unread (the peer's close_notify, say) would make close() reset
    // the connection and drop what is still queued towards the peer (a TLS 1.2
    // client may still be reading our Finished): read them first, bounded.
    thread_local std::array<char, 4096> sink;
    const int fd = stream_.next_layer().native_handle();
    for (int i = 0; i < 4 && ::recv(fd, sink.data(), sink.size(), MSG_DONTWAIT) > 0; ++i) {
    }
    close();
}

void TlsSession::close() {
    error_code ignored;
    deadline_.cancel(ignored);
    stream_.next_layer().close(ignored);
    stream_.cancel_pause();  // a handshake waiting for the agent's load ends now (operation_aborted)
}

}  // namespace certa::handshake
