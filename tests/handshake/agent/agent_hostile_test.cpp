// Hand-crafted and broken ClientHellos fed to a server with the Agent
// attached, plus SNI-less clients over real loopback sockets (local IP).
#include "TlsTestPeer.hpp"
#include "StoreFiller.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <random>
#include <thread>

using namespace certa;
using namespace certa::test;
using handshake::Agent;
using handshake::AgentOptions;

namespace {

constexpr std::uint16_t kSni = 0x0000, kAlpn = 0x0010;

struct Fixture {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(path);
    ossl::SslCtxPtr server = make_server_ctx();
    std::unique_ptr<Agent> agent;

    Fixture() {
        put_test_cert(*store, {"example.com", "*.example.com"});
        put_test_cert(*store, {"default.test"});
        store->put_challenge(make_challenge_row("acme.example.com"));
    }
    void start(std::string default_name = {}) {
        AgentOptions o;
        o.watch = false;
        o.default_name = std::move(default_name);
        agent = Agent::open(path, o);
        agent->attach(server.get());
    }
    RawResult feed(const std::vector<std::pair<std::uint16_t, std::string>>& ext) {
        return feed_server(server.get(), make_client_hello(ext));
    }
};

}  // namespace

TEST_CASE("crafted ClientHellos: the baseline is accepted") {
    Fixture f;
    f.start();
    auto r = f.feed({{kSni, sni_body("www.example.com")}});
    CHECK(r.accepted);
    CHECK(r.alert == -1);
    CHECK(f.agent->stats().leaves == 1);
}

TEST_CASE("hostile server names are refused with unrecognized_name") {
    Fixture f;
    f.start();
    const std::string names[] = {
        std::string(300, 'a') + ".com",           // over-long
        std::string(64, 'a') + ".example.com",    // over-long label
        "exa mple.com", "*.example.com", "a..example.com", std::string("a\0b.example.com", 15),
        "\xff\xfe.example.com", ".", "example.com:443",
    };
    for (const auto& name : names) {
        CAPTURE(name);
        auto r = f.feed({{kSni, sni_body(name)}});
        CHECK_FALSE(r.accepted);
        CHECK(r.alert == SSL_AD_UNRECOGNIZED_NAME);
    }
    // No SNI at all (and no socket to take a local IP from).
    auto none = f.feed({});
    CHECK_FALSE(none.accepted);
    CHECK(none.alert == SSL_AD_UNRECOGNIZED_NAME);
    // Broken framing inside the server_name extension.
    auto broken = f.feed({{kSni, std::string("\x00\x09\x00\x00\x20" "abc", 8)}});
    CHECK_FALSE(broken.accepted);
    CHECK(broken.alert >= 0);
}

TEST_CASE("with a default name, unusable SNI gets the default certificate") {
    Fixture f;
    f.start("default.test");
    // (OpenSSL itself refuses host names over 255 bytes after the callback.)
    for (const std::string& name : {std::string(254, 'a'), std::string("exa mple.com"), std::string("UNKNOWN.test.")}) {
        CAPTURE(name);
        CHECK(f.feed({{kSni, sni_body(name)}}).accepted);
    }
    CHECK(f.feed({}).accepted);
    CHECK(f.agent->stats().leaves == 4);
}

TEST_CASE("ALPN: empty list, huge lists") {
    Fixture f;
    f.start();
    SUBCASE("an empty ALPN list is refused") {
        auto r = f.feed({{kSni, sni_body("acme.example.com")}, {kAlpn, std::string("\x00\x00", 2)}});
        CHECK_FALSE(r.accepted);
        CHECK(r.alert >= 0);
        CHECK(f.agent->stats().challenges == 0);
    }
    SUBCASE("a 60 KiB list ending in acme-tls/1 gets the challenge") {
        std::vector<std::string> many(2400, std::string(24, 'p'));
        many.push_back("acme-tls/1");
        auto r = f.feed({{kSni, sni_body("acme.example.com")}, {kAlpn, alpn_body(many)}});
        CHECK(r.accepted);
        CHECK(f.agent->stats().challenges == 1);
    }
    SUBCASE("a 60 KiB list without acme-tls/1 gets the leaf") {
        std::vector<std::string> many(2400, std::string(24, 'p'));
        auto r = f.feed({{kSni, sni_body("www.example.com")}, {kAlpn, alpn_body(many)}});
        CHECK(r.accepted);
        CHECK(f.agent->stats().leaves == 1);
    }
    SUBCASE("acme-tls/1 for a name with only a leaf is refused") {
        auto r = f.feed({{kSni, sni_body("www.example.com")}, {kAlpn, alpn_body({"acme-tls/1"})}});
        CHECK_FALSE(r.accepted);
        CHECK(r.alert == SSL_AD_UNRECOGNIZED_NAME);
        CHECK(f.agent->stats().leaves == 0);
    }
}

TEST_CASE("garbage and mutated ClientHellos never crash and are accounted") {
    Fixture f;
    f.start();
    std::mt19937 rng(12345);
    const std::string base = make_client_hello(
        {{kSni, sni_body("www.example.com")}, {kAlpn, alpn_body({"h2", "acme-tls/1"})}});
    CHECK_FALSE(feed_server(f.server.get(), base).accepted);  // no challenge for www
    int accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string bytes = base;
        int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) bytes[5 + rng() % (bytes.size() - 5)] = static_cast<char>(rng());
        if (rng() % 5 == 0) bytes.resize(5 + rng() % (bytes.size() - 5));
        if (feed_server(f.server.get(), bytes).accepted) ++accepted;
    }
    std::string garbage(512, '\0');
    for (auto& c : garbage) c = static_cast<char>(rng());
    CHECK_FALSE(feed_server(f.server.get(), garbage).accepted);
    auto s = f.agent->stats();
    CHECK(s.handshakes == s.leaves + s.challenges + s.failures);
    CHECK(s.handshakes > 0);
    // Whatever was accepted got a certificate from the agent.
    CHECK(static_cast<std::uint64_t>(accepted) <= s.leaves + s.challenges);
}

namespace {

// One SNI-less handshake over a real loopback TCP connection.
ossl::X509Ptr loopback_handshake(SSL_CTX* server_ctx) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(listener, 1) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    timeval tv{10, 0};

    std::thread server([&] {
        int fd = accept(listener, nullptr, nullptr);
        if (fd < 0) return;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ossl::SslPtr ssl(SSL_new(server_ctx));
        SSL_set_fd(ssl.get(), fd);
        SSL_accept(ssl.get());
        SSL_shutdown(ssl.get());
        ERR_clear_error();
        close(fd);
    });
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    auto client_ctx = make_client_ctx();
    ossl::SslPtr ssl(SSL_new(client_ctx.get()));
    SSL_set_fd(ssl.get(), fd);
    ossl::X509Ptr leaf;
    if (connected && SSL_connect(ssl.get()) == 1) leaf.reset(SSL_get1_peer_certificate(ssl.get()));
    ERR_clear_error();
    ssl.reset();
    close(fd);
    server.join();
    close(listener);
    return leaf;
}

}  // namespace

TEST_CASE("no SNI over a socket: the local IP's certificate, then the default") {
    Fixture f;
    SUBCASE("local IP") {
        auto ip = put_test_cert(*f.store, {"127.0.0.1"});
        f.start("default.test");
        auto leaf = loopback_handshake(f.server.get());
        REQUIRE(leaf);
        CHECK(serial_of(leaf.get()) == serial_of_pem(ip.cert.cert_pem));
    }
    SUBCASE("default when the IP has none") {
        f.start("default.test");
        auto leaf = loopback_handshake(f.server.get());
        REQUIRE(leaf);
        CHECK(san_names(leaf.get()) == std::vector<std::string>{"default.test"});
    }
}
