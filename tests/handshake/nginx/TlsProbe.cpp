#include "TlsProbe.hpp"

#include "storage/base/OpenSsl.hpp"
#include "tests/handshake/TlsTestPeer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace certa::test {
namespace {

// A connected, blocking socket with 5 s send/receive timeouts, or -1.
int connect_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string alpn_wire(const std::vector<std::string>& protocols) {
    std::string wire;
    for (const auto& p : protocols) {
        wire.push_back(static_cast<char>(p.size()));
        wire += p;
    }
    return wire;
}

}  // namespace

bool tcp_accepts(int port) {
    const int fd = connect_loopback(port);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

ProbeResult tls_probe(int port, const ProbeOptions& options) {
    ProbeResult result;
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return result;
    if (options.max_version) SSL_CTX_set_max_proto_version(ctx.get(), options.max_version);
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    if (!options.sni.empty()) SSL_set_tlsext_host_name(ssl.get(), options.sni.c_str());
    if (!options.alpn.empty()) {
        const std::string wire = alpn_wire(options.alpn);
        SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned int>(wire.size()));
    }
    if (!options.sigalgs.empty()) SSL_set1_sigalgs_list(ssl.get(), options.sigalgs.c_str());
    const int fd = connect_loopback(port);
    if (fd < 0) {
        result.error = "cannot connect";
        return result;
    }
    SSL_set_fd(ssl.get(), fd);
    if (SSL_connect(ssl.get()) != 1) {
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        result.error = buf;
        ERR_clear_error();
        ::close(fd);
        return result;
    }
    result.ok = true;
    ossl::X509Ptr leaf(SSL_get1_peer_certificate(ssl.get()));
    if (leaf) {
        result.serial = serial_of(leaf.get());
        result.names = san_names(leaf.get());
        result.acme_identifier = has_acme_identifier(leaf.get());
        const EVP_PKEY* key = X509_get0_pubkey(leaf.get());
        result.key_type = key && EVP_PKEY_is_a(key, "RSA") ? "RSA" : "EC";
    }
    const unsigned char* proto = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl.get(), &proto, &len);
    if (proto) result.alpn.assign(reinterpret_cast<const char*>(proto), len);
    SSL_shutdown(ssl.get());
    ::close(fd);
    return result;
}

RunResult s_client(int port, const std::string& name, const std::string& ca_file) {
    RunOptions o;
    o.timeout = std::chrono::seconds(20);
    return run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-servername", name,
                "-verify_return_error", "-verify_hostname", name, "-CAfile", ca_file, "-brief"},
               o);
}

RunResult curl(int port, const std::string& name, const std::string& ca_file) {
    RunOptions o;
    o.timeout = std::chrono::seconds(20);
    const std::string p = std::to_string(port);
    return run({"curl", "-sS", "--max-time", "10", "--resolve", name + ":" + p + ":127.0.0.1", "--cacert", ca_file,
                "https://" + name + ":" + p + "/"},
               o);
}

}  // namespace certa::test
