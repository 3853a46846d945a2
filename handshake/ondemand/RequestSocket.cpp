#include "handshake/ondemand/RequestSocket.hpp"

#include "handshake/ondemand/OnDemandGate.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <istream>
#include <thread>

namespace certa::handshake {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
using boost::system::error_code;

namespace {

// A client address as the TLS server saw it: digits, hex, '.', ':' only.
bool plausible_client(const std::string& text) {
    if (text.empty() || text.size() > 64) return false;
    for (char c : text)
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != ':') return false;
    return true;
}

// Whether something accepts on the socket file at `path` now.
bool someone_listens(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    const bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return live;
}

// Removes a stale socket file at `path`; throws when it is live or not a socket.
void clear_path(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return;
    if (!S_ISSOCK(st.st_mode)) throw RequestSocketError(path + ": exists and is not a socket");
    if (someone_listens(path)) throw RequestSocketError(path + ": another process accepts on it");
    ::unlink(path.c_str());
}

}  // namespace

struct RequestSocket::Impl {
    RequestSocketOptions options;
    OnDemandGate& gate;
    // Before io: the sessions that io's destructor frees still count down `open`.
    std::atomic<std::size_t> open{0};
    std::atomic<std::uint64_t> requests{0}, waits{0}, denials{0}, bad_lines{0}, over_limit{0};
    asio::io_context io;
    Local::acceptor acceptor{io};
    std::thread thread;

    Impl(RequestSocketOptions o, OnDemandGate& g) : options(std::move(o)), gate(g) {}

    struct Session : std::enable_shared_from_this<Session> {
        Impl& owner;
        Local::socket socket;
        asio::streambuf buffer{kMaxRequestLine};
        asio::steady_timer deadline;
        std::string reply;
        std::size_t lines = 0;

        Session(Impl& o, Local::socket s) : owner(o), socket(std::move(s)), deadline(o.io) {}
        ~Session() { --owner.open; }

        void read() {
            deadline.expires_after(owner.options.idle);
            deadline.async_wait([self = shared_from_this()](error_code ec) {
                if (!ec) self->socket.close();
            });
            asio::async_read_until(socket, buffer, '\n',
                                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_line(ec); });
        }

        void on_line(error_code ec) {
            deadline.cancel();
            if (ec) {
                if (ec == asio::error::not_found) ++owner.bad_lines;  // over kMaxRequestLine
                return;
            }
            std::istream in(&buffer);
            std::string line;
            std::getline(in, line);
            std::optional<std::string> decided;
            if (++lines <= owner.options.max_lines) decided = answer(owner.gate, line);
            if (!decided) {
                ++owner.bad_lines;
                return;
            }
            ++owner.requests;
            if (*decided == "wait") ++owner.waits;
            if (*decided == "deny") ++owner.denials;
            reply = *decided + "\n";
            asio::async_write(socket, asio::buffer(reply), [self = shared_from_this()](error_code wec, std::size_t) {
                if (!wec) self->read();
            });
        }
    };

    void accept() {
        acceptor.async_accept([this](error_code ec, Local::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (open.load() >= options.max_connections) {
                    ++over_limit;
                } else {
                    ++open;
                    std::make_shared<Session>(*this, std::move(socket))->read();
                }
            }
            accept();
        });
    }
};

RequestSocket::RequestSocket(RequestSocketOptions options, OnDemandGate& gate)
    : impl_(std::make_unique<Impl>(std::move(options), gate)) {
    const std::string& path = impl_->options.path;
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path))
        throw RequestSocketError("request socket path must be 1 to " +
                                 std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
    clear_path(path);
    error_code ec;
    impl_->acceptor.open(Local(), ec);
    if (!ec) impl_->acceptor.bind(Local::endpoint(path), ec);
    if (!ec && ::chmod(path.c_str(), impl_->options.mode) != 0) ec.assign(errno, boost::system::system_category());
    if (!ec && impl_->options.group && ::chown(path.c_str(), static_cast<uid_t>(-1), *impl_->options.group) != 0)
        ec.assign(errno, boost::system::system_category());
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        ::unlink(path.c_str());
        throw RequestSocketError(path + ": " + ec.message());
    }
    impl_->accept();
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

RequestSocket::~RequestSocket() {
    impl_->io.stop();
    impl_->thread.join();
    ::unlink(impl_->options.path.c_str());
}

RequestSocketStats RequestSocket::stats() const {
    RequestSocketStats s;
    s.requests = impl_->requests.load();
    s.waits = impl_->waits.load();
    s.denials = impl_->denials.load();
    s.bad_lines = impl_->bad_lines.load();
    s.over_limit = impl_->over_limit.load();
    return s;
}

std::optional<std::string> RequestSocket::answer(OnDemandGate& gate, const std::string& line) {
    std::string text = line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const auto space = text.find(' ');
    const std::string name = text.substr(0, space);
    const std::string client = space == std::string::npos ? "local" : text.substr(space + 1);
    if (name.empty() || (space != std::string::npos && !plausible_client(client))) return std::nullopt;
    switch (gate.check(name, client)) {
        case OnDemandGate::Decision::Serve: return std::string("serve");
        case OnDemandGate::Decision::Wait: return std::string("wait");
        case OnDemandGate::Decision::Deny: return std::string("deny");
    }
    return std::nullopt;
}

}  // namespace certa::handshake
