// The agent driven the way a host that owns SNI and ALPN drives it (nginx:
// ngx_http_certa_module): its own ClientHello callback records the hello, its
// certificate callback selects, its ALPN callback asks for acme-tls/1 first.
// In process over BIO pairs, so this runs in every build (the nginx tests
// need Debian's nginx-dev).
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::test;
using handshake::Agent;

namespace {

struct Host {
    Agent* agent = nullptr;
    std::string default_name;
    bool record = true;
};

int on_hello(SSL* ssl, int*, void* arg) {
    auto* host = static_cast<Host*>(arg);
    if (host->record) host->agent->record_client_hello(ssl);
    return SSL_CLIENT_HELLO_SUCCESS;
}

int on_cert(SSL* ssl, void* arg) {
    auto* host = static_cast<Host*>(arg);
    return host->agent->select_for_host(ssl, host->default_name) == Agent::HostChoice::Refused ? 0 : 1;
}

// The host's own selection after the agent's: http/1.1 only.
int on_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
            unsigned int inlen, void* arg) {
    auto* host = static_cast<Host*>(arg);
    if (host->agent->select_challenge_alpn(ssl, out, outlen, in, inlen)) return SSL_TLSEXT_ERR_OK;
    static const unsigned char mine[] = "\x08http/1.1";
    return SSL_select_next_proto(const_cast<unsigned char**>(out), outlen, mine, sizeof mine - 1, in, inlen) ==
                   OPENSSL_NPN_NEGOTIATED
               ? SSL_TLSEXT_ERR_OK
               : SSL_TLSEXT_ERR_ALERT_FATAL;
}

struct Fixture {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(path);
    TestCert fallback = make_self_signed({"fallback.example"});
    ossl::SslCtxPtr server = make_server_ctx();
    ossl::SslCtxPtr client = make_client_ctx();
    std::unique_ptr<Agent> agent;
    Host host;

    Fixture() {
        put_test_cert(*store, {"a.example"});
        put_test_cert(*store, {"dual.example"}, "ec256");
        put_test_cert(*store, {"dual.example"}, "rsa2048");
        store->put_challenge(make_challenge_row("chal.example"));
        handshake::AgentOptions options;
        options.watch = false;
        options.read_only = true;
        agent = Agent::open(path, options);
        host.agent = agent.get();
        auto chain = ossl::parse_chain_pem(fallback.cert_pem);
        auto key = ossl::parse_key_pem(fallback.key_pem);
        REQUIRE(SSL_CTX_use_certificate(server.get(), chain.front().get()) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(server.get(), key.get()) == 1);
        SSL_CTX_set_client_hello_cb(server.get(), on_hello, &host);
        SSL_CTX_set_cert_cb(server.get(), on_cert, &host);
        SSL_CTX_set_alpn_select_cb(server.get(), on_alpn, &host);
    }
    HandshakeResult hello(std::string sni, std::vector<std::string> alpn = {}, int max_version = 0,
                          std::string sigalgs = {}) {
        ClientOptions o;
        o.sni = std::move(sni);
        o.alpn = std::move(alpn);
        o.max_version = max_version;
        o.sigalgs = std::move(sigalgs);
        return run_handshake(server.get(), client.get(), o);
    }
    std::vector<std::string> names(const HandshakeResult& r) {
        return r.leaf ? san_names(r.leaf.get()) : std::vector<std::string>{};
    }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("the certificate callback serves the store's leaf, the context's own for unknown names") {
    Fixture f;
    for (int version : {TLS1_2_VERSION, 0}) {
        CAPTURE(version);
        CHECK(f.names(f.hello("a.example", {}, version)) == Names{"a.example"});
        CHECK(f.names(f.hello("unknown.example", {}, version)) == Names{"fallback.example"});
        auto rsa = f.hello("dual.example", {}, version, "RSA+SHA256:rsa_pss_rsae_sha256");
        REQUIRE(rsa.ok);
        CHECK(EVP_PKEY_is_a(X509_get0_pubkey(rsa.leaf.get()), "RSA"));
        auto ec = f.hello("dual.example", {}, version);
        REQUIRE(ec.ok);
        CHECK(EVP_PKEY_is_a(X509_get0_pubkey(ec.leaf.get()), "EC"));
    }
    f.host.default_name = "a.example";
    CHECK(f.names(f.hello("unknown.example")) == Names{"a.example"});
    f.host.record = false;  // rebuilt from the SSL's state: same choice
    CHECK(f.names(f.hello("a.example")) == Names{"a.example"});
    auto rsa = f.hello("dual.example", {}, 0, "RSA+SHA256:rsa_pss_rsae_sha256");
    REQUIRE(rsa.ok);
    CHECK(EVP_PKEY_is_a(X509_get0_pubkey(rsa.leaf.get()), "RSA"));
}

TEST_CASE("acme-tls/1 only for a pending challenge, with the challenge certificate (RFC 8737 §3)") {
    Fixture f;
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        CAPTURE(version);
        auto r = f.hello("chal.example", {"acme-tls/1"}, version);
        REQUIRE_MESSAGE(r.ok, r.error);
        CHECK(r.alpn == "acme-tls/1");
        CHECK(has_acme_identifier(r.leaf.get()));
        auto leaf = f.hello("a.example", {"acme-tls/1", "http/1.1"}, version);
        REQUIRE(leaf.ok);
        CHECK(leaf.alpn == "http/1.1");
        CHECK(!has_acme_identifier(leaf.leaf.get()));
        CHECK(!f.hello("a.example", {"acme-tls/1"}, version).ok);  // the host's ALPN refuses
    }
    // Without the recorded hello, TLS 1.3 still works (ALPN runs first) ...
    f.host.record = false;
    auto r13 = f.hello("chal.example", {"acme-tls/1"}, TLS1_3_VERSION);
    CHECK(r13.alpn == "acme-tls/1");
    CHECK(r13.ok);
    // ... and TLS 1.2 never negotiates acme-tls/1 with a leaf.
    auto r12 = f.hello("chal.example", {"acme-tls/1", "http/1.1"}, TLS1_2_VERSION);
    CHECK(r12.alpn != "acme-tls/1");
}
