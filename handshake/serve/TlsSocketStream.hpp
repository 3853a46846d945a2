// A server-side TLS stream that lets OpenSSL read and write the connection's
// socket itself (SSL_set_fd on the non-blocking socket): no memory BIO pair
// and no copy buffers between socket and SSL, as asio::ssl::stream has
// (about 68 KiB allocated, half of it zeroed, per connection). Each
// operation calls OpenSSL; when it wants the socket readable or writable, the
// stream waits for that on the connection's io thread and calls it again.
// When the Agent's ClientHello callback pauses for a certificate load
// (AgentOptions::pause_on_miss: SSL_ERROR_WANT_CLIENT_HELLO_CB), the stream
// asks Agent::when_loaded to tell it, and calls OpenSSL again on the io
// thread then; meanwhile the thread serves other connections. cancel_pause()
// (the session's close, e.g. at its handshake deadline) ends such a wait
// with operation_aborted; a load that finishes later finds nothing to resume.
//
// An AsyncReadStream / AsyncWriteStream for asio::async_write and Relay.
// One read and one write may be pending at a time; the stream must not be
// moved while an operation is pending.
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/serve/ServeContext.hpp"
#include "storage/base/OpenSsl.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace certa::handshake {

class TlsSocketStream {
public:
    using executor_type = Socket::executor_type;
    using error_code = boost::system::error_code;

    // Takes the socket, whose descriptor must be non-blocking already
    // (accept_cloexec opens it so); the SSL comes from `ctx` (server side). When OpenSSL
    // cannot make one (out of memory), native_handle() is null and every
    // operation fails with errc::not_enough_memory.
    TlsSocketStream(Socket socket, SSL_CTX* ctx);
    TlsSocketStream(TlsSocketStream&&) noexcept = default;
    TlsSocketStream& operator=(TlsSocketStream&&) noexcept = default;

    executor_type get_executor() { return socket_.get_executor(); }
    Socket& next_layer() { return socket_; }
    SSL* native_handle() const { return ssl_.get(); }

    // handler(error_code)
    template <typename Handler>
    void async_handshake(Handler handler) {
        drive([](SSL* ssl) { return Step{SSL_do_handshake(ssl), 0}; },
              [h = std::move(handler)](const error_code& ec, std::size_t) mutable { h(ec); }, true);
    }

    // handler(error_code, bytes); a close_notify is asio::error::eof, an end
    // without one asio::ssl::error::stream_truncated.
    template <typename Buffers, typename Handler>
    void async_read_some(const Buffers& buffers, Handler handler) {
        const boost::asio::mutable_buffer first = first_buffer<boost::asio::mutable_buffer>(buffers);
        if (first.size() == 0) return complete(std::move(handler), {}, 0, true);
        drive([first](SSL* ssl) {
            std::size_t n = 0;
            return Step{SSL_read_ex(ssl, first.data(), first.size(), &n), n};
        }, std::move(handler), true);
    }

    template <typename Buffers, typename Handler>
    void async_write_some(const Buffers& buffers, Handler handler) {
        const boost::asio::const_buffer first = first_buffer<boost::asio::const_buffer>(buffers);
        if (first.size() == 0) return complete(std::move(handler), {}, 0, true);
        drive([first](SSL* ssl) {
            std::size_t n = 0;
            return Step{SSL_write_ex(ssl, first.data(), first.size(), &n), n};
        }, std::move(handler), true);
    }

    // Sends close_notify, then waits for the peer's (as asio::ssl::stream
    // does; the caller bounds it with a timer). handler(error_code)
    template <typename Handler>
    void async_shutdown(Handler handler) {
        drive([](SSL* ssl) {
            const int r = SSL_shutdown(ssl);
            // 0: ours is sent, the peer's not read yet: wait until readable, call again.
            return Step{r == 0 ? kWantRead : r, 0};
        }, [h = std::move(handler)](const error_code& ec, std::size_t) mutable { h(ec); }, true);
    }

    // Sends close_notify if the socket takes it now, and does not wait for
    // the peer's: RFC 8446 §6.1 lets the side that closes go at once.
    void send_close_notify();

    // Ends a wait for the agent's load (see above): its handler gets
    // operation_aborted, posted. Call on the stream's executor, with the socket closed.
    void cancel_pause() {
        auto step = paused_.lock();
        paused_.reset();
        if (step) boost::asio::post(socket_.get_executor(), [step] { step->fire(true); });
    }

private:
    // A handshake step waiting for the agent's load. Held by the load's
    // `ready` callback (Agent::when_loaded) and by what fire() posts; the
    // stream keeps only a weak reference, so that a load that never ends
    // keeps no connection alive once the session gave up on it. Fired at most
    // once, always on the stream's executor.
    class PausedStep {
    public:
        explicit PausedStep(std::function<void(bool aborted)> resume) : resume_(std::move(resume)) {}
        void fire(bool aborted) {
            if (!resume_) return;
            auto resume = std::move(resume_);
            resume_ = nullptr;
            resume(aborted);
        }

    private:
        std::function<void(bool aborted)> resume_;
    };

    // One call into OpenSSL: its return value (> 0: done) and the bytes moved.
    struct Step {
        int result;
        std::size_t bytes;
    };
    static constexpr int kWantRead = -1000;  // a Step result of our own: wait until readable

    // What an OpenSSL failure means, as an error_code; `saved_errno` is errno
    // right after the call. Clears OpenSSL's error queue.
    error_code failure(int ssl_error, int saved_errno) const;

    template <typename Buffer, typename Buffers>
    static Buffer first_buffer(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
             ++it) {
            Buffer b(*it);
            if (b.size() != 0) return b;
        }
        return Buffer();
    }

    // A handler never runs inside the call that started the operation.
    template <typename Handler>
    void complete(Handler handler, const error_code& ec, std::size_t bytes, bool initiating) {
        if (!initiating) return handler(ec, bytes);
        boost::asio::post(socket_.get_executor(),
                          [h = std::move(handler), ec, bytes]() mutable { h(ec, bytes); });
    }

    template <typename Attempt, typename Handler>
    void drive(Attempt attempt, Handler handler, bool initiating) {
        if (!ssl_)
            return complete(std::move(handler), make_error_code(boost::system::errc::not_enough_memory), 0, initiating);
        ERR_clear_error();
        errno = 0;
        const Step step = attempt(ssl_.get());
        const int saved_errno = errno;
        if (step.result > 0) return complete(std::move(handler), {}, step.bytes, initiating);
        const int ssl_error = step.result == kWantRead ? SSL_ERROR_WANT_READ : SSL_get_error(ssl_.get(), step.result);
        if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
            socket_.async_wait(ssl_error == SSL_ERROR_WANT_READ ? Socket::wait_read : Socket::wait_write,
                               [this, attempt, handler = std::move(handler)](const error_code& ec) mutable {
                                   if (ec) return handler(ec, std::size_t{0});
                                   drive(attempt, std::move(handler), false);
                               });
            return;
        }
        if (ssl_error == SSL_ERROR_WANT_CLIENT_HELLO_CB) return pause(attempt, std::move(handler));
        complete(std::move(handler), failure(ssl_error, saved_errno), 0, initiating);
    }

    // The ClientHello callback paused for a load: call `attempt` again on this
    // executor once Agent::when_loaded says it is done (see PausedStep).
    template <typename Attempt, typename Handler>
    void pause(Attempt attempt, Handler handler) {
        // Shared, so that the resume function is copyable (asio handlers may be move-only).
        auto held = std::make_shared<std::optional<Handler>>(std::move(handler));
        auto step = std::make_shared<PausedStep>([this, attempt, held](bool aborted) {
            Handler h = std::move(**held);
            held->reset();
            if (aborted || !socket_.is_open())
                return h(error_code(boost::asio::error::operation_aborted), std::size_t{0});
            drive(attempt, std::move(h), false);
        });
        paused_ = step;
        Agent::when_loaded(ssl_.get(), [step, executor = socket_.get_executor()] {
            boost::asio::post(executor, [step] { step->fire(false); });
        });
    }

    Socket socket_;
    ossl::SslPtr ssl_;
    std::weak_ptr<PausedStep> paused_;  // the step waiting for the agent's load, if any
};

}  // namespace certa::handshake
