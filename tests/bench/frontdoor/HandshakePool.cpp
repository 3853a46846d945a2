#include "HandshakePool.hpp"

#include "../BenchStore.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace certa::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct SslCtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

enum class Outcome { Good, Failed, WrongLeaf };

}  // namespace

struct HandshakePool::Impl {
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx;
    std::size_t names = 0;
    int threads = 1;

    Outcome handshake(std::uint16_t port, const std::string& sni) const {
        Fd fd(connect_loopback(port));
        if (fd.get() < 0) return Outcome::Failed;
        std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
        if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1) return Outcome::Failed;
        SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
        if (SSL_connect(ssl.get()) != 1) return Outcome::Failed;
        X509* leaf = SSL_get0_peer_certificate(ssl.get());
        Outcome outcome = leaf && X509_check_host(leaf, sni.data(), sni.size(), 0, nullptr) == 1 ? Outcome::Good
                                                                                                  : Outcome::WrongLeaf;
        SSL_shutdown(ssl.get());  // close_notify, then close without waiting for the reply
        return outcome;
    }
};

HandshakePool::HandshakePool(std::size_t names, int threads) : impl_(new Impl) {
    impl_->names = names;
    impl_->threads = threads;
    impl_->ctx.reset(SSL_CTX_new(TLS_client_method()));
    // Full TLS 1.3 handshakes: no tickets kept, no resumption.
    SSL_CTX_set_min_proto_version(impl_->ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_session_cache_mode(impl_->ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_verify(impl_->ctx.get(), SSL_VERIFY_NONE, nullptr);
}

HandshakePool::~HandshakePool() { delete impl_; }

bool HandshakePool::probe(std::uint16_t port) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return impl_->handshake(port, name_of(random() % impl_->names)) == Outcome::Good;
}

PoolResult HandshakePool::run(std::uint16_t port, std::chrono::milliseconds duration, long max_per_thread) {
    PoolResult total;
    std::mutex mutex;
    const auto start = Clock::now();
    const auto until = start + duration;
    std::vector<std::thread> clients;
    for (int t = 0; t < impl_->threads; ++t) {
        clients.emplace_back([&, t] {
            std::mt19937_64 random(0x5eed + static_cast<unsigned>(t) * 7919 + static_cast<unsigned>(port));
            PoolResult mine;
            for (long i = 0; i < max_per_thread && Clock::now() < until; ++i) {
                const std::string sni = name_of(random() % impl_->names);
                auto t0 = Clock::now();
                switch (impl_->handshake(port, sni)) {
                    case Outcome::Good:
                        ++mine.handshakes;
                        mine.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
                        break;
                    case Outcome::Failed: ++mine.failures; break;
                    case Outcome::WrongLeaf: ++mine.wrong_leaf; break;
                }
            }
            std::lock_guard lock(mutex);
            total.handshakes += mine.handshakes;
            total.failures += mine.failures;
            total.wrong_leaf += mine.wrong_leaf;
            total.latencies_us.insert(total.latencies_us.end(), mine.latencies_us.begin(), mine.latencies_us.end());
        });
    }
    for (auto& client : clients) client.join();
    total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return total;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
    return values[index];
}

}  // namespace certa::bench
