#include "acme/deploy/ServedCertificateProbe.hpp"

#include "storage/CertificateParser.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/base/UniqueFd.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace certa::acme {

namespace {

struct AddrInfoFree {
    void operator()(addrinfo* a) const noexcept { ::freeaddrinfo(a); }
};

// A connected TCP socket (blocking, with send/receive timeouts), or an error.
UniqueFd connect_to(const CheckAddress& address, std::chrono::milliseconds timeout, std::string& error) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(address.port);
    if (const int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        error = "cannot resolve " + address.host + ": " + ::gai_strerror(rc);
        return {};
    }
    std::unique_ptr<addrinfo, AddrInfoFree> list(found);
    for (const addrinfo* a = list.get(); a; a = a->ai_next) {
        UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
        if (!fd.valid()) continue;
        int err = 0;
        if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
            err = errno;
            if (err == EINPROGRESS) {
                pollfd p{fd.get(), POLLOUT, 0};
                const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
                socklen_t len = sizeof err;
                if (n <= 0) err = n == 0 ? ETIMEDOUT : errno;
                else if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
            }
        }
        if (err != 0) {
            error = "cannot connect to " + address.text() + ": " + std::strerror(err);
            continue;
        }
        // Blocking from here on, each read and write bounded by the timeout.
        ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
        timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        error.clear();
        return fd;
    }
    if (error.empty()) error = "cannot connect to " + address.text();
    return {};
}

}  // namespace

ProbeResult probe_served_certificate(const CheckAddress& address, const std::string& sni,
                                     std::chrono::milliseconds timeout) {
    ProbeResult result;
    UniqueFd fd = connect_to(address, timeout, result.error);
    if (!fd.valid()) return result;
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        result.error = "TLS client: " + ossl::last_error();
        return result;
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1 ||
        (!sni.empty() && SSL_set_tlsext_host_name(ssl.get(), sni.c_str()) != 1)) {
        result.error = "TLS client: " + ossl::last_error();
        return result;
    }
    if (SSL_connect(ssl.get()) != 1) {
        const std::string why = ossl::last_error();
        result.error = "TLS handshake with " + address.text() + " failed" + (why.empty() ? "" : ": " + why);
        return result;
    }
    X509* leaf = SSL_get0_peer_certificate(ssl.get());
    if (!leaf) {
        result.error = address.text() + " sent no certificate";
        return result;
    }
    result.serial_hex = storage::serial_hex(leaf);
    SSL_shutdown(ssl.get());
    return result;
}

}  // namespace certa::acme
