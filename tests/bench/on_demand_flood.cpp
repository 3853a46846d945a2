// Benchmark (meson benchmark, not a test): `certa serve --on-demand` under a
// flood of 10,000 handshakes for random unknown names with a deny policy.
// Expected: every handshake fails fast (policy in memory, no store write),
// 0 issuance requests and 0 orders; reports handshake p50/p99 latency.
#include "ServeProcess.hpp"
#include "tests/support/TempDir.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

using namespace certa;
using namespace std::chrono_literals;

namespace {

constexpr int kHandshakes = 10000;
constexpr int kThreads = 4;

// One TLS handshake to 127.0.0.1:port with `sni`; true when it completed.
bool handshake(SSL_CTX* ctx, std::uint16_t port, const std::string& sni) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        ossl::SslPtr ssl(SSL_new(ctx));
        SSL_set_fd(ssl.get(), fd);
        SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
        ok = SSL_connect(ssl.get()) == 1;
    }
    ::close(fd);
    return ok;
}

}  // namespace

TEST_CASE("on-demand flood of random unknown names under a deny policy") {
    test::TempDir dir;
    const std::string store = dir.file("certa.db");
    test::ServeProcess serve(store, {"--on-demand", "--allow", "*.allowed.example", "--max-connections", "4096",
                                     "--on-demand-wait", "10"});
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);

    std::vector<std::vector<double>> per_thread(kThreads);
    std::atomic<int> completed{0};
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(static_cast<unsigned>(t) * 7919u + 1);
            for (int i = t; i < kHandshakes; i += kThreads) {
                std::string name = "r" + std::to_string(rng()) + ".flood" + std::to_string(rng() % 1000) + ".example";
                auto t0 = std::chrono::steady_clock::now();
                if (handshake(ctx.get(), serve.port(), name)) ++completed;
                per_thread[t].push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
            }
        });
    for (auto& th : threads) th.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    std::vector<double> all;
    for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == static_cast<std::size_t>(kHandshakes));
    auto pct = [&](double p) { return all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };

    auto s = storage::open_store(store);
    auto requests = s->due_issuance_requests(0).size();
    storage::CertificateFilter every;
    every.include_inactive = true;
    auto certificates = s->list_certificates(every).size();
    std::printf("on-demand flood: %d handshakes (%d threads) in %.1f s = %.0f hs/s; p50 %.0f us, p99 %.0f us, "
                "max %.0f us; completed %d; issuance requests %zu; certificates (orders) %zu\n",
                kHandshakes, kThreads, seconds, kHandshakes / seconds, pct(0.50), pct(0.99), all.back(),
                completed.load(), requests, certificates);
    CHECK(completed.load() == 0);
    CHECK(requests == 0);
    CHECK(certificates == 0);
}
