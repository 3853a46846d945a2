#include "handshake/serve/CloseOnExec.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace certa::handshake {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

error_code last_error() { return error_code(errno, boost::system::system_category()); }

// Hands `fd` to `object` (a socket or an acceptor), or closes it.
template <typename Object>
void adopt(Object& object, const tcp& protocol, int fd, error_code& ec) {
    if (fd < 0) {
        ec = last_error();
        return;
    }
    object.assign(protocol, fd, ec);
    if (ec) ::close(fd);
}

template <typename Object>
void open_object(Object& object, const tcp& protocol, error_code& ec) {
    error_code ignored;
    object.close(ignored);
    const int fd = ::socket(protocol.family(), protocol.type() | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol.protocol());
    adopt(object, protocol, fd, ec);
}

}  // namespace

void open_cloexec(tcp::acceptor& acceptor, const tcp& protocol, error_code& ec) { open_object(acceptor, protocol, ec); }

void open_cloexec(tcp::socket& socket, const tcp& protocol, error_code& ec) { open_object(socket, protocol, ec); }

tcp::socket accept_cloexec(tcp::acceptor& acceptor, error_code& ec, tcp::endpoint* remote) {
    tcp::socket socket(acceptor.get_executor());
    // The peer's address comes with the accept: no getsockname or getpeername
    // per connection (the address family gives the protocol).
    tcp::endpoint peer;
    socklen_t length = static_cast<socklen_t>(peer.capacity());
    int fd;
    do {
        length = static_cast<socklen_t>(peer.capacity());
        fd = ::accept4(acceptor.native_handle(), peer.data(), &length, SOCK_CLOEXEC | SOCK_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        ec = (errno == EAGAIN || errno == EWOULDBLOCK) ? error_code(asio::error::would_block) : last_error();
        return socket;
    }
    peer.resize(length);
    adopt(socket, peer.protocol(), fd, ec);
    if (!ec && remote) *remote = peer;
    return socket;
}

}  // namespace certa::handshake
