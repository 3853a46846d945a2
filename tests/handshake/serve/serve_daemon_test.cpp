// `certa serve` end to end: the real binary on loopback with a real store,
// checked with openssl s_client, curl, a backend s_server and an HTTP upstream.
#include "HttpUpstream.hpp"
#include "ServeProcess.hpp"
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestCertificates.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <thread>

using namespace certa;
using namespace certa::test;

namespace {

struct Fixture {
    TempDir dir;
    std::string store_path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(store_path);
};

std::string write_file(const TempDir& dir, const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
}

// A leaf for `name` issued by `ca`, put into the store as an active row.
TestCert put_issued(storage::Store& store, const std::string& name, const TestCert& ca) {
    auto leaf = make_issued({name}, "ec256", ca);
    storage::CertificateInput input;
    input.names = {name};
    input.key_type = "ec256";
    input.key_pem = leaf.key_pem;
    input.chain_pem = leaf.chain_pem;
    store.put_certificate(input);
    return leaf;
}

bool acme_identifier_in(const std::string& cert_pem) {
    RunOptions options;
    options.stdin_data = cert_pem;
    options.timeout = std::chrono::milliseconds(10000);
    auto text = run({"openssl", "x509", "-noout", "-text"}, options);
    return text.exit_code == 0 && text.out.find("1.3.6.1.5.5.7.1.31: critical") != std::string::npos;
}

bool can_connect(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

RunResult curl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"curl", "-sS", "--max-time", "20"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.timeout = std::chrono::milliseconds(30000);
    return run(argv, options);
}

}  // namespace

TEST_CASE("acme-tls/1 gets the challenge certificate; others the leaf, then close") {
    Fixture f;
    auto leaf = put_test_cert(*f.store, {"app.test"});
    auto challenge = make_challenge_row("app.test");
    f.store->put_challenge(challenge);
    ServeProcess serve(f.store_path, {});

    auto r = s_client(serve.port(), "app.test", "acme-tls/1");
    CHECK(r.out.find("ALPN protocol: acme-tls/1") != std::string::npos);
    const std::string served = first_pem(r.out);
    CHECK(served == challenge.cert_pem);
    CHECK(acme_identifier_in(served));

    auto plain = s_client(serve.port(), "app.test");
    CHECK(first_pem(plain.out) == leaf.cert.cert_pem);
    CHECK(plain.out.find("ALPN protocol: acme-tls/1") == std::string::npos);

    // RFC 8737 §3: no pending challenge means no certificate, never the leaf.
    auto none = s_client(serve.port(), "other.test", "acme-tls/1");
    CHECK(first_pem(none.out).empty());
    // Unknown name without --default-name: the handshake fails.
    CHECK(first_pem(s_client(serve.port(), "unknown.test").out).empty());
    CHECK(serve.process().running());
}

TEST_CASE("--listen is repeatable and takes bracketed IPv6 literals") {
    int probe = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_loopback;
    const bool has_v6 = probe >= 0 && ::bind(probe, reinterpret_cast<sockaddr*>(&any6), sizeof any6) == 0;
    if (probe >= 0) ::close(probe);
    if (!has_v6) {
        MESSAGE("no IPv6 loopback here; skipped");
        return;
    }
    Fixture f;
    auto leaf = put_test_cert(*f.store, {"app.test"});
    ServeProcess serve(f.store_path, {"--listen", "[::1]:0"});
    const auto v6_port = wait_for_port([&] { return serve.logs(); }, "serve: listening on [::1]:", std::chrono::seconds(10));
    REQUIRE(v6_port != 0);
    CHECK(first_pem(s_client(v6_port, "app.test", {}, "[::1]").out) == leaf.cert.cert_pem);
    CHECK(first_pem(s_client(serve.port(), "app.test").out) == leaf.cert.cert_pem);
}

TEST_CASE("--threads N: N listeners on one port, each answers; 0 is a usage error") {
    Fixture f;
    auto leaf = put_test_cert(*f.store, {"app.test"});
    ServeProcess serve(f.store_path, {"--threads", "3"});
    // Every handshake lands on one of the three listeners (the kernel picks by
    // the client's port); 12 of them from distinct ports all get the leaf.
    for (int i = 0; i < 12; ++i) CHECK(first_pem(s_client(serve.port(), "app.test").out) == leaf.cert.cert_pem);
    // One "listening on" line per address, not per thread.
    const std::string logs = serve.logs();
    CHECK(logs.find("serve: listening on") == logs.rfind("serve: listening on"));
    CHECK(run_certa({"--store", f.store_path, "serve", "--threads", "0"}).exit_code == 2);
}

TEST_CASE("--default-name serves that leaf for unknown names") {
    Fixture f;
    auto fallback = put_test_cert(*f.store, {"fallback.test"});
    ServeProcess serve(f.store_path, {"--default-name", "fallback.test"});
    CHECK(first_pem(s_client(serve.port(), "unknown.test").out) == fallback.cert.cert_pem);
}

TEST_CASE("--cache-size N: at most N held parsed, every name still served; a corrupt row is logged once") {
    Fixture f;
    std::vector<PutResult> certs;
    for (int i = 0; i < 4; ++i) certs.push_back(put_test_cert(*f.store, {"c" + std::to_string(i) + ".test"}));
    const auto bad = put_test_cert(*f.store, {"bad.test"});
    auto r = run({"sqlite3", f.store_path, "UPDATE certificates SET chain_pem = 'x' WHERE id = " + std::to_string(bad.id)});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    ServeProcess serve(f.store_path, {"--cache-size", "2"});
    CHECK(serve.wait_for_log("at most 2 held parsed", std::chrono::milliseconds(5000)));
    for (int round = 0; round < 2; ++round)
        for (std::size_t i = 0; i < certs.size(); ++i)
            CHECK(first_pem(s_client(serve.port(), "c" + std::to_string(i) + ".test").out) == certs[i].cert.cert_pem);
    for (int i = 0; i < 3; ++i) CHECK(first_pem(s_client(serve.port(), "bad.test").out).empty());
    CHECK(serve.wait_for_log("certificate " + std::to_string(bad.id) + " skipped", std::chrono::milliseconds(5000)));
    const std::string logs = serve.logs();
    const std::string line = "certificate " + std::to_string(bad.id) + " skipped";
    CHECK(logs.find(line) == logs.rfind(line));  // once, not per handshake
    CHECK(logs.find("PRIVATE KEY") == std::string::npos);
    CHECK(run_certa({"--store", f.store_path, "serve", "--cache-size", "-1"}).exit_code == 2);
}

TEST_CASE("a certificate put while serve runs is served by a later handshake") {
    Fixture f;
    auto first = put_test_cert(*f.store, {"a.test"});
    ServeProcess serve(f.store_path, {});
    REQUIRE(first_pem(s_client(serve.port(), "a.test").out) == first.cert.cert_pem);

    auto added = put_test_cert(*f.store, {"b.test"});
    auto renewed = put_test_cert(*f.store, {"a.test"}, "ec256", first.id);
    bool added_served = false, renewed_served = false;
    for (int i = 0; i < 50 && !(added_served && renewed_served); ++i) {  // bounded: 50 tries
        added_served = added_served || first_pem(s_client(serve.port(), "b.test").out) == added.cert.cert_pem;
        renewed_served = renewed_served || first_pem(s_client(serve.port(), "a.test").out) == renewed.cert.cert_pem;
        if (!(added_served && renewed_served)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(added_served);
    CHECK(renewed_served);
}

TEST_CASE("--passthrough carries the TLS connection to the backend untouched") {
    Fixture f;
    auto backend_cert = make_self_signed({"backend.test"});
    const auto cert_file = write_file(f.dir, "backend.pem", backend_cert.cert_pem);
    const auto key_file = write_file(f.dir, "backend.key", backend_cert.key_pem);
    Background backend({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert_file, "-key", key_file, "-www"});
    const auto backend_port = wait_for_port([&] { return backend.out(); }, "ACCEPT 127.0.0.1:", std::chrono::seconds(20));
    REQUIRE_MESSAGE(backend_port != 0, backend.err());

    put_test_cert(*f.store, {"backend.test"});  // the daemon must not use it in passthrough
    auto challenge = make_challenge_row("backend.test");
    f.store->put_challenge(challenge);
    ServeProcess serve(f.store_path, {"--passthrough", "127.0.0.1:" + std::to_string(backend_port)});
    const std::string port = std::to_string(serve.port());

    auto page = curl({"-k", "--resolve", "backend.test:" + port + ":127.0.0.1", "https://backend.test:" + port + "/"});
    CHECK(page.exit_code == 0);
    CHECK(page.out.find("Ciphers supported in s_server binary") != std::string::npos);
    CHECK(first_pem(s_client(serve.port(), "backend.test").out) == backend_cert.cert_pem);

    // Challenge handshakes are still answered here, not by the backend.
    auto r = s_client(serve.port(), "backend.test", "acme-tls/1");
    CHECK(first_pem(r.out) == challenge.cert_pem);
}

TEST_CASE("--upstream terminates TLS with the stored leaf and forwards plaintext") {
    Fixture f;
    auto ca = make_ca("serve test CA");
    auto leaf = put_issued(*f.store, "app.test", ca);
    const auto ca_file = write_file(f.dir, "ca.pem", ca.cert_pem);
    HttpUpstream upstream("hello from upstream");
    ServeProcess serve(f.store_path, {"--upstream", "127.0.0.1:" + std::to_string(upstream.port())});
    const std::string port = std::to_string(serve.port());

    // curl verifies the chain against our CA and the name: the leaf is certa's.
    auto page = curl({"--cacert", ca_file, "--resolve", "app.test:" + port + ":127.0.0.1", "https://app.test:" + port + "/"});
    CHECK_MESSAGE(page.exit_code == 0, page.err);
    CHECK(page.out == "hello from upstream");
    CHECK(upstream.requests() == 1);
    CHECK(first_pem(s_client(serve.port(), "app.test").out) == leaf.cert_pem);
}

TEST_CASE("--upstream carries a 4 MiB response intact (TLS writes that fill the socket buffer wait and resume)") {
    Fixture f;
    auto ca = make_ca("serve test CA");
    put_issued(*f.store, "big.test", ca);
    const auto ca_file = write_file(f.dir, "ca.pem", ca.cert_pem);
    std::string body(4 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7919 % 26));
    HttpUpstream upstream(body);
    ServeProcess serve(f.store_path, {"--upstream", "127.0.0.1:" + std::to_string(upstream.port())});
    const std::string port = std::to_string(serve.port());
    const std::string out = f.dir.file("big.out");
    auto page = curl({"--cacert", ca_file, "--resolve", "big.test:" + port + ":127.0.0.1", "-o", out,
                      "https://big.test:" + port + "/"});
    CHECK_MESSAGE(page.exit_code == 0, page.err);
    std::ifstream in(out, std::ios::binary);
    const std::string received((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(received.size() == body.size());
    CHECK(received == body);
}

TEST_CASE("an IP certificate reaches clients that send no SNI (curl and wget to https://127.0.0.1)") {
    Fixture f;
    auto ca = make_ca("serve test CA");
    auto leaf = put_issued(*f.store, "127.0.0.1", ca);
    const auto ca_file = write_file(f.dir, "ca.pem", ca.cert_pem);
    HttpUpstream upstream("hello by IP");
    ServeProcess serve(f.store_path, {"--upstream", "127.0.0.1:" + std::to_string(upstream.port())});
    const std::string url = "https://127.0.0.1:" + std::to_string(serve.port()) + "/";
    // RFC 6066 §3: no SNI for an IP literal; the certificate follows the local address.
    auto page = curl({"--cacert", ca_file, url});
    CHECK_MESSAGE(page.exit_code == 0, page.err);
    CHECK(page.out == "hello by IP");
    RunOptions options;
    options.timeout = std::chrono::seconds(20);
    auto wget = run({"wget", "-q", "-O", "-", "--tries=1", "--timeout=10", "--ca-certificate=" + ca_file, url}, options);
    CHECK_MESSAGE(wget.exit_code == 0, wget.err);
    CHECK(wget.out == "hello by IP");
    CHECK(upstream.requests() == 2);
}

TEST_CASE("garbage, truncated and oversized ClientHellos are dropped; serving goes on") {
    Fixture f;
    auto leaf = put_test_cert(*f.store, {"app.test"});
    ServeProcess serve(f.store_path, {});

    {
        TcpClient http(serve.port());
        REQUIRE(http.send_all("GET / HTTP/1.0\r\nHost: app.test\r\n\r\n"));
        bool closed = false;
        CHECK(http.read_to_end(&closed).empty());
        CHECK(closed);
    }
    {
        TcpClient truncated(serve.port());
        REQUIRE(truncated.send_all(make_client_hello({{0, sni_body("app.test")}}).substr(0, 40)));
        truncated.shutdown_write();
        bool closed = false;
        CHECK(truncated.read_to_end(&closed).empty());
        CHECK(closed);
    }
    {
        std::vector<std::string> protocols(3000, "protocol");
        TcpClient huge(serve.port());
        huge.send_all(make_client_hello({{0, sni_body("app.test")}, {16, alpn_body(protocols)}}));
        bool closed = false;
        CHECK(huge.read_to_end(&closed).empty());
        CHECK(closed);
    }
    CHECK(serve.process().running());
    CHECK(first_pem(s_client(serve.port(), "app.test").out) == leaf.cert.cert_pem);
}

TEST_CASE("SIGTERM: stop accepting, let the open connection finish, exit 0") {
    Fixture f;
    put_issued(*f.store, "app.test", make_ca());
    HttpUpstream upstream("still answered");
    ServeProcess serve(f.store_path, {"--upstream", "127.0.0.1:" + std::to_string(upstream.port())});

    TcpClient tcp(serve.port());
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), tcp.fd());
    SSL_set_tlsext_host_name(ssl.get(), "app.test");
    REQUIRE(SSL_connect(ssl.get()) == 1);
    const std::string head = "GET / HTTP/1.1\r\nHost: app.test\r\n";
    REQUIRE(SSL_write(ssl.get(), head.data(), static_cast<int>(head.size())) > 0);

    REQUIRE(::kill(serve.process().pid(), SIGTERM) == 0);
    REQUIRE(serve.wait_for_log("serve: stopping", std::chrono::seconds(10)));
    // No longer accepting. The log line comes from the control thread as it
    // posts each listener's close to that listener's io thread, so the port
    // may take a moment to go (bounded: 2 s).
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) {
        refused = !can_connect(serve.port());
        if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(refused);

    const std::string rest = "Connection: close\r\n\r\n";
    REQUIRE(SSL_write(ssl.get(), rest.data(), static_cast<int>(rest.size())) > 0);
    std::string response;
    char buf[4096];
    for (int i = 0; i < 1000; ++i) {  // bounded; the socket has a 10 s receive timeout
        int n = SSL_read(ssl.get(), buf, sizeof buf);
        if (n <= 0) break;
        response.append(buf, static_cast<std::size_t>(n));
    }
    CHECK(response.find("200") != std::string::npos);
    CHECK(response.find("still answered") != std::string::npos);
    SSL_shutdown(ssl.get());

    auto result = serve.process().stop(0, std::chrono::seconds(15));  // signal 0: just wait
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 0);
}

TEST_CASE("--http answers http-01 tokens from the store") {
    Fixture f;
    storage::Challenge challenge;
    challenge.type = storage::ChallengeType::Http01;
    challenge.identifier = "app.test";
    challenge.token = "serve-http-token";
    challenge.key_authorization = "serve-http-token.thumbprint";
    challenge.expires = certa::storage::unix_now() + 600;
    f.store->put_challenge(challenge);
    ServeProcess serve(f.store_path, {"--http", "127.0.0.1:0"});
    const auto http_port = wait_for_port([&] { return serve.logs(); }, "http-01 responder listening on 127.0.0.1:",
                                         std::chrono::seconds(10));
    REQUIRE(http_port != 0);
    auto r = curl({"http://127.0.0.1:" + std::to_string(http_port) + "/.well-known/acme-challenge/serve-http-token"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "serve-http-token.thumbprint");
}

TEST_CASE("bad command lines are usage errors; a busy port is a clear failure") {
    TempDir dir;
    const std::string store = dir.file("certa.db");
    auto both = run_certa({"--store", store, "serve", "--passthrough", "127.0.0.1:1", "--upstream", "127.0.0.1:2"});
    CHECK(both.exit_code == 2);
    CHECK(run_certa({"--store", store, "serve", "--listen", "127.0.0.1"}).exit_code == 2);
    CHECK(run_certa({"--store", store, "serve", "--upstream", "127.0.0.1:2", "--proxy-protocol", "v1"}).exit_code == 2);
    CHECK(run_certa({"--store", store, "serve", "--proxy-protocol", "v2"}).exit_code == 2);

    ServeProcess first(store, {});
    auto busy = run_certa({"--store", store, "serve", "--listen", "127.0.0.1:" + std::to_string(first.port())},
                          RunOptions{{}, "", std::chrono::milliseconds(20000)});
    CHECK(busy.exit_code == 1);
    CHECK(busy.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) != std::string::npos);
}
