// Copies bytes both ways between a client stream (a raw TCP socket for
// --passthrough, a TLS stream for --upstream) and the target socket until both
// directions ended, an error occurred, or nothing moved for idle_timeout.
// A FIN is passed on as a half-close; when the target ends first on a TLS
// client, the client gets a close_notify (bounded by shutdown_timeout).
#pragma once

#include "handshake/serve/ConnectionTracker.hpp"
#include "handshake/serve/ServeContext.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <memory>
#include <type_traits>

namespace certa::handshake {

template <typename ClientStream>
class Relay : public std::enable_shared_from_this<Relay<ClientStream>> {
public:
    static void start(ClientStream client, Socket target, ConnectionTracker::Ticket ticket,
                      const ServeOptions& options) {
        std::shared_ptr<Relay> self(new Relay(std::move(client), std::move(target), std::move(ticket), options));
        self->watch_idle();
        self->pump(self->client_, self->target_, self->up_, &Relay::client_ended);
        self->pump(self->target_, self->client_, self->down_, &Relay::target_ended);
    }

private:
    using error_code = boost::system::error_code;
    using Clock = std::chrono::steady_clock;
    using Buffer = std::array<char, 16384>;
    static constexpr bool kTls = !std::is_same_v<ClientStream, Socket>;

    Relay(ClientStream client, Socket target, ConnectionTracker::Ticket ticket, const ServeOptions& options)
        : client_(std::move(client)),
          target_(std::move(target)),
          ticket_(std::move(ticket)),
          idle_timeout_(options.idle_timeout),
          shutdown_timeout_(options.handshake_timeout),
          timer_(target_.get_executor()),
          last_activity_(Clock::now()) {}

    Socket& client_socket() {
        if constexpr (kTls) return client_.next_layer();
        else return client_;
    }

    // An orderly end of a direction (FIN, or a TLS close_notify / truncation).
    static bool is_end(const error_code& ec) {
        return ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated;
    }

    void watch_idle() {
        timer_.expires_at(last_activity_ + idle_timeout_);
        timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
            if (ec || self->closed_) return;
            if (Clock::now() - self->last_activity_ >= self->idle_timeout_) {
                spdlog::debug("serve: closing idle proxied connection");
                return self->close_all();
            }
            self->watch_idle();
        });
    }

    // Copies `from` -> `to` until `from` ends or fails; then `ended` decides.
    template <typename From, typename To>
    void pump(From& from, To& to, Buffer& buffer, void (Relay::*ended)(const error_code&)) {
        auto self = this->shared_from_this();
        from.async_read_some(boost::asio::buffer(buffer), [self, &from, &to, &buffer, ended](const error_code& ec, std::size_t n) {
            if (self->closed_) return;
            if (ec) return ((*self).*ended)(ec);
            self->last_activity_ = Clock::now();
            boost::asio::async_write(to, boost::asio::buffer(buffer.data(), n),
                                     [self, &from, &to, &buffer, ended](const error_code& wec, std::size_t) {
                                         if (self->closed_) return;
                                         if (wec) return self->fail("write", wec);
                                         self->pump(from, to, buffer, ended);
                                     });
        });
    }

    // The client stopped sending (FIN / close_notify) or failed.
    void client_ended(const error_code& ec) {
        up_open_ = false;
        if (tls_shutdown_wanted_) return shutdown_client_tls();
        if (!is_end(ec)) return fail("client read", ec);
        error_code ignored;
        target_.shutdown(Socket::shutdown_send, ignored);
        if (!down_open_) close_all();
    }

    // The target stopped sending or failed.
    void target_ended(const error_code& ec) {
        down_open_ = false;
        if (!is_end(ec)) return fail("target read", ec);
        end_client();
    }

    // The target finished sending: pass the end on to the client.
    void end_client() {
        if constexpr (kTls) {
            // A TLS stream allows one read at a time, and shutdown reads the
            // peer's close_notify: stop the pending client read first.
            tls_shutdown_wanted_ = true;
            if (!up_open_) return shutdown_client_tls();
            error_code ignored;
            client_socket().cancel(ignored);
        } else {
            error_code ignored;
            client_.shutdown(Socket::shutdown_send, ignored);
            if (!up_open_) close_all();
        }
    }

    void shutdown_client_tls() {
        if constexpr (kTls) {
            if (shutdown_started_) return;
            shutdown_started_ = true;
            // Bounded: re-arming the timer replaces the idle watch.
            timer_.expires_after(shutdown_timeout_);
            timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
                if (!ec) self->close_all();
            });
            client_.async_shutdown([self = this->shared_from_this()](const error_code&) { self->close_all(); });
        }
    }

    void fail(const char* where, const error_code& ec) {
        spdlog::debug("serve: proxied connection ended ({}: {})", where, ec.message());
        close_all();
    }

    void close_all() {
        if (closed_) return;
        closed_ = true;
        error_code ignored;
        timer_.cancel(ignored);
        client_socket().close(ignored);
        target_.close(ignored);
    }

    ClientStream client_;
    Socket target_;
    ConnectionTracker::Ticket ticket_;
    const std::chrono::milliseconds idle_timeout_;
    const std::chrono::milliseconds shutdown_timeout_;
    boost::asio::steady_timer timer_;
    Clock::time_point last_activity_;
    Buffer up_{};     // client -> target
    Buffer down_{};   // target -> client
    bool up_open_ = true;
    bool down_open_ = true;
    bool tls_shutdown_wanted_ = false;
    bool shutdown_started_ = false;
    bool closed_ = false;
};

}  // namespace certa::handshake
