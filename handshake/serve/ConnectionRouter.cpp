#include "handshake/serve/ConnectionRouter.hpp"

#include "handshake/ondemand/OnDemandGate.hpp"
#include "handshake/serve/PassthroughSession.hpp"
#include "handshake/serve/TlsSession.hpp"
#include "handshake/serve/UpstreamSession.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>

namespace certa::handshake {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Peeks one connection may take before its ClientHello is whole. The low
// watermark wakes a connection twice per TLS record (its header, then the
// record); real clients send one or two records, a hello dribbled in
// hundreds of tiny records would otherwise cost a peek each.
constexpr int kMaxWakes = 32;
// How often a connection waiting for an on-demand certificate re-checks the
// Agent's snapshot (an in-memory lookup).
constexpr std::chrono::milliseconds kOnDemandRecheck{50};
}  // namespace

ConnectionRouter::ConnectionRouter(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                                   std::string client, HelloTimeouts timeouts)
    : context_(context),
      socket_(std::move(socket)),
      ticket_(std::move(ticket)),
      timeouts_(timeouts),
      deadline_(socket_.get_executor()),
      retry_(socket_.get_executor()),
      client_(std::move(client)) {}

// `client` is the TCP peer (serve accepts no inbound PROXY header; with
// --proxy-protocol this same address is what the header towards the target carries).
void ConnectionRouter::start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                             std::string client, HelloTimeouts timeouts) {
    std::shared_ptr<ConnectionRouter> self(
        new ConnectionRouter(context, std::move(socket), std::move(ticket), std::move(client), timeouts));
    if (spdlog::should_log(spdlog::level::debug)) {
        error_code ec;
        auto remote = self->socket_.remote_endpoint(ec);
        spdlog::debug("serve: accepted {}:{}", self->client_, ec ? 0 : remote.port());
    }
    // The socket is non-blocking and TCP_NODELAY already (Listener: accept4
    // with SOCK_NONBLOCK, the option inherited from the listener). asio still
    // makes its own FIONBIO ioctl before the socket's first wait, so only a
    // connection whose ClientHello is there at once saves that one.
    self->started_ = std::chrono::steady_clock::now();
    // The ClientHello is often there by the time the connection is accepted:
    // peek at once. Only a connection that has to wait gets a deadline and a
    // place in the HelloQueue (see wait_readable).
    self->peek();
}

void ConnectionRouter::wait_readable() {
    if (!queued_) {
        queued_ = true;
        // Evicted from another thread (the one accepting when the table is
        // full): the drop itself runs on this connection's thread.
        waiting_ = context_.hellos.enqueue(
            [weak = weak_from_this(), executor = socket_.get_executor()] {
                asio::post(executor, [weak] {
                    if (auto router = weak.lock())
                        router->drop("evicted: the table is full, this ClientHello the oldest", true);
                });
            });
    }
    arm_deadline();
    socket_.async_wait(Socket::wait_read, [self = shared_from_this()](const error_code& ec) {
        if (self->done_) return;
        if (ec) return self->drop("wait failed: " + ec.message());
        self->peek();
    });
}

// A short deadline for the first byte (silent sockets go quickly), then the
// peek timeout for the whole ClientHello; both counted from the accept.
void ConnectionRouter::arm_deadline() {
    const Deadline want = got_first_byte_ ? Deadline::WholeHello : Deadline::FirstByte;
    if (armed_ == want) return;
    armed_ = want;
    deadline_.expires_at(started_ + (got_first_byte_ ? timeouts_.whole : timeouts_.first_byte));  // cancels the other
    deadline_.async_wait([self = shared_from_this(), want](const error_code& wec) {
        if (wec) return;
        self->drop(want == Deadline::FirstByte ? "no ClientHello byte within the first-byte timeout"
                                               : "no complete ClientHello within the peek timeout");
    });
}

void ConnectionRouter::peek() {
    // One peek buffer per io thread: a peek and its parse finish inside this
    // handler, and the parsed ClientHelloInfo owns copies of what it keeps.
    thread_local std::array<std::uint8_t, kMaxPeekBytes> buffer;
    // MSG_DONTWAIT: asio's own receive would wait for data on a socket it
    // was not told is non-blocking.
    ssize_t got;
    do {
        got = ::recv(socket_.native_handle(), buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
    } while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return wait_readable();
    if (got < 0) return drop("peek: " + error_code(errno, boost::system::system_category()).message());
    if (got == 0) return drop("connection closed before its ClientHello");
    const auto n = static_cast<std::size_t>(got);
    got_first_byte_ = true;  // the next wait_readable moves to the whole-hello deadline
    auto hello = parse_client_hello(std::span<const std::uint8_t>(buffer.data(), n));
    switch (hello.status) {
        case PeekedClientHello::Status::Invalid: return drop("not a usable ClientHello: " + hello.error);
        case PeekedClientHello::Status::Complete: return route(hello);
        case PeekedClientHello::Status::NeedMore: break;
    }
    if (peer_finished_sending()) return drop("connection closed inside the ClientHello");
    if (++wakes_ > kMaxWakes) return drop("ClientHello in too many pieces");
    // Sleep until the parser can get further: no wake per segment, none at
    // all for a stalled hello (a readable socket would wake us at once).
    set_low_watermark(hello.need);
    wait_readable();
}

void ConnectionRouter::set_low_watermark(std::size_t bytes) {
    bytes = std::max<std::size_t>(bytes, 1);
    if (bytes == low_watermark_) return;
    error_code ec;
    socket_.set_option(asio::socket_base::receive_low_watermark(static_cast<int>(bytes)), ec);
    if (!ec) low_watermark_ = bytes;
}

// The peer sent FIN (or the socket failed) while the ClientHello is partial:
// more bytes can never come.
bool ConnectionRouter::peer_finished_sending() {
    pollfd fd{socket_.native_handle(), POLLRDHUP, 0};
    return ::poll(&fd, 1, 0) > 0 && (fd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

void ConnectionRouter::route(const ClientHelloInfo& hello) {
    done_ = true;
    waiting_.leave();
    error_code ignored;
    deadline_.cancel(ignored);
    retry_.cancel(ignored);
    set_low_watermark(1);  // the sessions read as usual
    sni_missing_ = hello.sni.empty();
    if (hello.offers_acme_tls) {
        return TlsSession::start(context_, std::move(socket_), std::move(ticket_), sni_missing_);
    }
    if (const auto& gate = context_.options.on_demand; gate && !hello.sni.empty()) {
        switch (gate->check(hello.sni, client_)) {
            case OnDemandGate::Decision::Wait:
                context_.counters.on_demand_waited.add();
                return wait_for_certificate(hello.sni, std::chrono::steady_clock::now() + gate->wait());
            case OnDemandGate::Decision::Deny: context_.counters.on_demand_refused.add(); break;
            case OnDemandGate::Decision::Serve: break;
        }
    }
    forward();
}

void ConnectionRouter::wait_for_certificate(std::string sni, std::chrono::steady_clock::time_point until) {
    retry_.expires_after(kOnDemandRecheck);
    retry_.async_wait([self = shared_from_this(), sni = std::move(sni), until](const error_code& wec) {
        if (wec) return;
        bool ready = self->context_.options.on_demand->check(sni, self->client_) != OnDemandGate::Decision::Wait;
        if (!ready && std::chrono::steady_clock::now() < until) return self->wait_for_certificate(sni, until);
        // Ready, denied meanwhile, or out of time: the Agent decides (without a
        // certificate the handshake fails with an alert).
        if (!ready) {
            self->context_.counters.on_demand_timed_out.add();
            self->context_.options.on_demand->gave_up(sni);  // logs (rate-limited, the normalized name)
        }
        self->forward();
    });
}

void ConnectionRouter::forward() {
    switch (context_.options.mode) {
        case ForwardMode::Passthrough:
            return PassthroughSession::start(context_, std::move(socket_), std::move(ticket_));
        case ForwardMode::Upstream:
            return UpstreamSession::start(context_, std::move(socket_), std::move(ticket_), sni_missing_);
        case ForwardMode::ChallengesOnly:
            return TlsSession::start(context_, std::move(socket_), std::move(ticket_), sni_missing_);
    }
}

void ConnectionRouter::drop(const std::string& why, bool evicted) {
    if (done_) return;
    done_ = true;
    waiting_.leave();
    (evicted ? context_.counters.evicted : context_.counters.dropped).add();
    spdlog::debug("serve: dropping connection: {}", why);
    error_code ignored;
    deadline_.cancel(ignored);
    retry_.cancel(ignored);
    socket_.close(ignored);
}

}  // namespace certa::handshake
