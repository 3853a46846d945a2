// Sockets that are close-on-exec from their first instant. Asio opens and
// accepts without SOCK_CLOEXEC (socket(2), accept(2)), so a program that
// serve's process execs (a deploy hook of the on-demand worker, a helper)
// would inherit its listeners and connections; setting FD_CLOEXEC afterwards
// leaves a window in which another thread may exec. These create each
// descriptor with SOCK_CLOEXEC and hand it to Asio (assign).
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace certa::handshake {

// Opens `acceptor` (closed before) for `protocol`, non-blocking.
void open_cloexec(boost::asio::ip::tcp::acceptor& acceptor, const boost::asio::ip::tcp& protocol,
                  boost::system::error_code& ec);
// Opens `socket` (closed before) for `protocol`, non-blocking.
void open_cloexec(boost::asio::ip::tcp::socket& socket, const boost::asio::ip::tcp& protocol,
                  boost::system::error_code& ec);

// One connection waiting on `acceptor` (non-blocking, opened by
// open_cloexec), accepted close-on-exec and non-blocking, on the acceptor's
// executor. `ec` is would_block when none waits.
// accept4 with SOCK_CLOEXEC | SOCK_NONBLOCK; `remote`, when given, gets the
// peer's address (no getpeername afterwards).
boost::asio::ip::tcp::socket accept_cloexec(boost::asio::ip::tcp::acceptor& acceptor,
                                            boost::system::error_code& ec,
                                            boost::asio::ip::tcp::endpoint* remote = nullptr);

}  // namespace certa::handshake
