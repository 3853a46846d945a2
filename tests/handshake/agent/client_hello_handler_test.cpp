// ClientHelloHandler on its own (no Agent, no watcher): a snapshot loaded
// from a real store, the handler installed as an OpenSSL server's ClientHello
// and ALPN callbacks, and real OpenSSL clients over a BIO pair. Checks each
// decision: leaf by exact and wildcard name, default name, fallback to the
// context, RFC 8737 challenge or nothing, ALPN choice, and the alerts.
#include "handshake/agent/ClientHelloHandler.hpp"
#include "handshake/agent/IndexLoader.hpp"
#include "handshake/agent/PemSource.hpp"

#include "TempDir.hpp"
#include "TestCertificates.hpp"
#include "TlsTestPeer.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::handshake;

namespace {

// A server context whose callbacks are one ClientHelloHandler over one snapshot.
struct HandlerServer {
    HandlerServer(const AgentOptions& options, std::shared_ptr<const Snapshot> snap, const std::string& store_path)
        : pems(store_path),
          cache([this](const IndexRecord& r) {
                    using Loaded = MaterialCache::Loaded;
                    auto pem = pems.fetch(r.id);
                    if (!pem) return Loaded{Loaded::Result::Broken, nullptr, "gone"};
                    return Loaded{Loaded::Result::Ok, parse_cert_material(pem->chain, pem->key, r.algorithm), {}};
                },
                MaterialCache::Options{}),
          handler(options, cache),
          snapshot(std::move(snap)),
          ctx(test::make_server_ctx()) {
        SSL_CTX_set_client_hello_cb(ctx.get(), &HandlerServer::on_hello, this);
        SSL_CTX_set_alpn_select_cb(ctx.get(), &HandlerServer::on_alpn, this);
    }
    static int on_hello(SSL* ssl, int* alert, void* arg) {
        auto* self = static_cast<HandlerServer*>(arg);
        return self->handler.handle(ssl, alert, *self->snapshot, self->last);
    }
    static int on_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                       unsigned int inlen, void* arg) {
        auto* self = static_cast<HandlerServer*>(arg);
        return self->handler.select_alpn(&self->last, out, outlen, in, inlen);
    }
    test::HandshakeResult connect(const test::ClientOptions& options) {
        auto client = test::make_client_ctx();
        return test::run_handshake(ctx.get(), client.get(), options);
    }
    PemSource pems;
    MaterialCache cache;
    ClientHelloHandler handler;
    std::shared_ptr<const Snapshot> snapshot;
    ossl::SslCtxPtr ctx;
    Selection last;
};

struct Store {
    test::TempDir dir;
    std::unique_ptr<storage::Store> writer = storage::open_store(dir.file("certa.db"));
    std::string put(const std::vector<std::string>& names) {
        const auto cert = test::make_self_signed(names);
        storage::CertificateInput input;
        input.key_type = "ec256";
        input.key_pem = cert.key_pem;
        input.chain_pem = cert.chain_pem;
        writer->put_certificate(input);
        auto parsed = ossl::parse_chain_pem(cert.chain_pem);
        return test::serial_of(parsed.front().get());
    }
    std::string path() { return dir.file("certa.db"); }
    std::shared_ptr<const Snapshot> snapshot() {
        IndexLoader loader(storage::open_store(dir.file("certa.db")));
        return loader.load();
    }
};

test::ClientOptions sni(const std::string& name, std::vector<std::string> alpn = {}) {
    test::ClientOptions o;
    o.sni = name;
    o.alpn = std::move(alpn);
    return o;
}

}  // namespace

TEST_CASE("a leaf by exact name, then by a wildcard one label deep; unknown names get unrecognized_name") {
    Store store;
    const auto exact = store.put({"www.handler.example"});
    const auto wildcard = store.put({"*.handler.example"});
    HandlerServer server(AgentOptions{}, store.snapshot(), store.path());

    auto r = server.connect(sni("WWW.Handler.Example."));
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(test::serial_of(r.leaf.get()) == exact);
    CHECK(server.last.kind == Selection::Kind::Leaf);
    CHECK(server.last.server_name == "www.handler.example");

    r = server.connect(sni("api.handler.example"));
    REQUIRE(r.ok);
    CHECK(test::serial_of(r.leaf.get()) == wildcard);
    CHECK(server.last.matched_name == "*.handler.example");

    r = server.connect(sni("deep.api.handler.example"));  // RFC 6125: one label only
    CHECK_FALSE(r.ok);
    CHECK(r.alert == SSL_AD_UNRECOGNIZED_NAME);
    CHECK(server.last.kind == Selection::Kind::None);
}

TEST_CASE("no or unknown SNI: the default name's certificate, or the context's own when so configured") {
    Store store;
    const auto fallback = store.put({"default.handler.example"});
    AgentOptions with_default;
    with_default.default_name = "Default.Handler.Example";
    HandlerServer server(with_default, store.snapshot(), store.path());
    test::ClientOptions none;
    auto r = server.connect(none);
    REQUIRE(r.ok);
    CHECK(test::serial_of(r.leaf.get()) == fallback);
    CHECK(server.last.kind == Selection::Kind::Default);
    r = server.connect(sni("unknown.handler.example"));
    REQUIRE(r.ok);
    CHECK(server.last.kind == Selection::Kind::Default);

    // The context's own certificate when nothing matched and fallback is on.
    AgentOptions fallback_options;
    fallback_options.fallback_to_context_certificate = true;
    HandlerServer own(fallback_options, store.snapshot(), store.path());
    const auto ctx_cert = test::make_self_signed({"context.handler.example"});
    auto leaf = ossl::parse_chain_pem(ctx_cert.cert_pem);
    auto key = ossl::parse_key_pem(ctx_cert.key_pem);
    REQUIRE(SSL_CTX_use_certificate(own.ctx.get(), leaf.front().get()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(own.ctx.get(), key.get()) == 1);
    r = own.connect(sni("unknown.handler.example"));
    REQUIRE(r.ok);
    CHECK(test::serial_of(r.leaf.get()) == test::serial_of(leaf.front().get()));
    CHECK(own.last.kind == Selection::Kind::None);
}

TEST_CASE("acme-tls/1: the pending challenge certificate and the protocol, or a failed handshake, never a leaf") {
    Store store;
    store.put({"chal.handler.example"});
    store.writer->put_challenge(test::make_challenge_row("chal.handler.example"));
    HandlerServer server(AgentOptions{}, store.snapshot(), store.path());

    auto r = server.connect(sni("chal.handler.example", {"acme-tls/1"}));
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(test::has_acme_identifier(r.leaf.get()));
    CHECK(r.alpn == "acme-tls/1");
    CHECK(server.last.kind == Selection::Kind::Challenge);

    // A name with a leaf but no pending challenge: no fall-through to the leaf.
    store.put({"leaf-only.handler.example"});
    HandlerServer later(AgentOptions{}, store.snapshot(), store.path());
    r = later.connect(sni("leaf-only.handler.example", {"acme-tls/1"}));
    CHECK_FALSE(r.ok);
    CHECK(r.alert == SSL_AD_UNRECOGNIZED_NAME);
    CHECK(later.last.acme_tls_offered);
}

TEST_CASE("ALPN: the first configured protocol the client offers; acme-tls/1 is never chosen for a leaf") {
    Store store;
    store.put({"alpn.handler.example"});
    AgentOptions options;
    options.alpn = {"h2", "http/1.1", "acme-tls/1"};
    HandlerServer server(options, store.snapshot(), store.path());
    auto r = server.connect(sni("alpn.handler.example", {"http/1.1", "h2"}));
    REQUIRE(r.ok);
    CHECK(r.alpn == "h2");
    r = server.connect(sni("alpn.handler.example", {"spdy/3"}));
    REQUIRE(r.ok);
    CHECK(r.alpn.empty());
}
