// `certa serve` and session resumption: with no target every connection ends
// with its handshake, so nothing is offered (no TLS 1.3 tickets, no TLS 1.2
// session ID or ticket); with --upstream, OpenSSL's defaults. The real daemon,
// checked by a real OpenSSL client that counts what the server sent.
#include "HttpUpstream.hpp"
#include "ServeProcess.hpp"
#include "StoreFiller.hpp"
#include "storage/Store.hpp"
#include "storage/base/OpenSsl.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <string>

using namespace certa;
using namespace certa::test;

namespace {

// What resumption a server offers: a real TLS client (max_version 0: TLS 1.3)
// connects with SNI `sni`, completes the handshake and reads until the server
// closes or 1 s passes (TLS 1.3 tickets come after the handshake, RFC 8446
// §4.6.1). Counts the NewSessionTickets; for TLS 1.2, whether the session has
// an ID or a ticket the server could resume.
struct Resumption {
    bool handshake = false;
    int tickets = 0;            // TLS 1.3 NewSessionTicket messages received
    bool resumable_12 = false;  // TLS 1.2: a session ID or a ticket
};

Resumption resumption_offered(std::uint16_t port, const std::string& sni, int max_version = 0) {
    Resumption result;
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (max_version) SSL_CTX_set_max_proto_version(ctx.get(), max_version);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    static thread_local int* counter = nullptr;
    counter = &result.tickets;
    SSL_CTX_sess_set_new_cb(ctx.get(), [](SSL* ssl, SSL_SESSION*) {
        if (SSL_version(ssl) == TLS1_3_VERSION) ++*counter;
        return 0;  // not kept: OpenSSL frees the session
    });
    TcpClient tcp(port);
    timeval timeout{1, 0};
    setsockopt(tcp.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), tcp.fd());
    SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
    result.handshake = SSL_connect(ssl.get()) == 1;
    if (!result.handshake) return result;
    char byte;
    for (int i = 0; i < 8 && SSL_read(ssl.get(), &byte, 1) > 0; ++i) {
    }
    if (SSL_version(ssl.get()) != TLS1_3_VERSION) {
        SSL_SESSION* session = SSL_get_session(ssl.get());
        unsigned int id_length = 0;
        SSL_SESSION_get_id(session, &id_length);
        result.resumable_12 = id_length > 0 || SSL_SESSION_has_ticket(session) == 1;
    }
    return result;
}

}  // namespace

TEST_CASE("no session resumption where every connection ends with its handshake; --upstream keeps it") {
    TempDir dir;
    const std::string store_path = dir.file("certa.db");
    put_test_cert(*storage::open_store(store_path), {"app.test"});
    {
        ServeProcess serve(store_path, {});
        // No target: the connection closes after the handshake, so a ticket
        // (about 14 us of server CPU each in OpenSSL 3.0) could never be used.
        auto tls13 = resumption_offered(serve.port(), "app.test");
        CHECK(tls13.handshake);
        CHECK(tls13.tickets == 0);
        auto tls12 = resumption_offered(serve.port(), "app.test", TLS1_2_VERSION);
        CHECK(tls12.handshake);
        CHECK_FALSE(tls12.resumable_12);
    }
    HttpUpstream upstream("hello from upstream");
    ServeProcess serve(store_path, {"--upstream", "127.0.0.1:" + std::to_string(upstream.port())});
    auto tls13 = resumption_offered(serve.port(), "app.test");
    CHECK(tls13.handshake);
    CHECK(tls13.tickets >= 1);
    auto tls12 = resumption_offered(serve.port(), "app.test", TLS1_2_VERSION);
    CHECK(tls12.handshake);
    CHECK(tls12.resumable_12);
}
