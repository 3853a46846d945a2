#include "handshake/serve/TlsSocketStream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>

namespace certa::handshake {

TlsSocketStream::TlsSocketStream(Socket socket, SSL_CTX* ctx) : socket_(std::move(socket)), ssl_(SSL_new(ctx)) {
    // SSL_set_fd's BIO does not close the descriptor: the socket keeps it.
    if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.native_handle()) != 1) {
        ERR_clear_error();
        ssl_.reset();
        return;
    }
    SSL_set_accept_state(ssl_.get());
}

void TlsSocketStream::send_close_notify() {
    if (!ssl_) return;
    ERR_clear_error();
    (void)SSL_shutdown(ssl_.get());  // 0 (ours sent) or < 0 (not sendable now): either way we close
    ERR_clear_error();
}

TlsSocketStream::error_code TlsSocketStream::failure(int ssl_error, int saved_errno) const {
    error_code ec;
    switch (ssl_error) {
        case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
            ec = boost::asio::error::eof;
            break;
        case SSL_ERROR_SYSCALL:
            ec = saved_errno != 0 ? error_code(saved_errno, boost::system::system_category())
                                  : error_code(boost::asio::ssl::error::stream_truncated);
            break;
        default: {
            const unsigned long e = ERR_peek_last_error();
            if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
                ec = boost::asio::ssl::error::stream_truncated;
            else
                ec = error_code(static_cast<int>(e), boost::asio::error::get_ssl_category());
        }
    }
    ERR_clear_error();
    return ec;
}

}  // namespace certa::handshake
