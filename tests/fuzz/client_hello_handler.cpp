// Fuzz target: ClientHelloHandler (handshake/agent), the agent's decision at
// ClientHello time, over a fixed snapshot: one leaf for www.fuzz.example,
// *.fuzz.example and 192.0.2.1, and one pending tls-alpn-01 challenge for
// chal.fuzz.example and one for 192.0.2.2 (by its RFC 8738 reverse name).
// The input is the first bytes of a connection, fed to a real OpenSSL server
// over memory BIOs whose ClientHello and ALPN callbacks are the handler's.
// Properties: a refusal selects nothing; a challenge is served only to an
// acme-tls/1 offer (RFC 8737 §3) and never a leaf; a leaf matched one of the
// entry's names; the server name recorded is canonical.
#include "handshake/agent/ClientHelloHandler.hpp"
#include "storage/names/NameNormalizer.hpp"
#include "tests/support/TestCertificates.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <limits>

using namespace certa;
using handshake::Selection;

namespace {

const test::TestCert& fuzz_leaf() {
    static const test::TestCert leaf = test::make_self_signed({"www.fuzz.example", "*.fuzz.example", "192.0.2.1"});
    return leaf;
}

// The leaf's material comes from memory, as if read by id from a store.
handshake::MaterialCache& fuzz_cache() {
    static handshake::MaterialCache cache(
        [](const handshake::IndexRecord&) {
            using Loaded = handshake::MaterialCache::Loaded;
            const auto& leaf = fuzz_leaf();
            return Loaded{Loaded::Result::Ok,
                          handshake::parse_cert_material(leaf.chain_pem, leaf.key_pem, handshake::KeyAlgorithm::EcdsaP256),
                          {}};
        },
        handshake::MaterialCache::Options{});
    return cache;
}

struct World {
    handshake::ClientHelloHandler handler{options(), fuzz_cache()};
    handshake::Snapshot snapshot = make_snapshot();
    ossl::SslCtxPtr ctx{SSL_CTX_new(TLS_server_method())};
    Selection last;
    int result = -1;

    static handshake::AgentOptions options() {
        handshake::AgentOptions o;
        o.alpn = {"h2", "http/1.1"};
        return o;
    }
    static handshake::Snapshot make_snapshot() {
        handshake::CertIndex::Row row;
        row.record.id = 1;
        row.record.algorithm = handshake::KeyAlgorithm::EcdsaP256;
        row.record.not_before = 0;
        row.record.not_after = std::numeric_limits<storage::UnixTime>::max() / 2;
        row.names = {"www.fuzz.example", "*.fuzz.example", "192.0.2.1"};
        handshake::Snapshot s;
        s.certs = s.certs->with_changes({}, {row});
        std::vector<storage::Challenge> challenges;
        for (const char* id : {"chal.fuzz.example", "192.0.2.2"}) {
            const auto c = test::make_self_signed({id});
            storage::Challenge ch;
            ch.id = static_cast<std::int64_t>(challenges.size()) + 1;
            ch.type = storage::ChallengeType::TlsAlpn01;
            ch.identifier = id;
            ch.cert_pem = c.chain_pem;
            ch.key_pem = c.key_pem;
            ch.expires = row.record.not_after;
            challenges.push_back(ch);
        }
        s.challenges = std::make_shared<const handshake::ChallengeIndex>(challenges);
        s.generation = 1;
        return s;
    }
};

World& world() {
    static World w = [] {
        World x;
        FUZZ_CHECK(x.ctx != nullptr);
        FUZZ_CHECK(x.snapshot.challenges->size() == 2);
        return x;
    }();
    return w;
}

int on_hello(SSL* ssl, int* alert, void*) {
    World& w = world();
    w.result = w.handler.handle(ssl, alert, w.snapshot, w.last);
    return w.result;
}

int on_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen, void*) {
    World& w = world();
    const int r = w.handler.select_alpn(&w.last, out, outlen, in, inlen);
    if (w.last.kind == Selection::Kind::Challenge)
        FUZZ_CHECK(r != SSL_TLSEXT_ERR_OK || std::string_view(reinterpret_cast<const char*>(*out), *outlen) == "acme-tls/1");
    return r;
}

void check(const Selection& s, int result) {
    if (result != SSL_CLIENT_HELLO_SUCCESS) FUZZ_CHECK(s.kind == Selection::Kind::None);
    if (!s.server_name.empty()) {
        const auto again = storage::normalize_server_name(s.server_name);
        FUZZ_CHECK(again && again->name == s.server_name);
    }
    switch (s.kind) {
        case Selection::Kind::Challenge:
            FUZZ_CHECK(s.acme_tls_offered);
            FUZZ_CHECK(s.matched_name == "chal.fuzz.example" || s.matched_name == "192.0.2.2");
            FUZZ_CHECK(s.certificate_id == 0);
            break;
        case Selection::Kind::Leaf:
        case Selection::Kind::Default:
            FUZZ_CHECK(!s.acme_tls_offered);
            FUZZ_CHECK(s.certificate_id == 1);
            FUZZ_CHECK(s.matched_name == "www.fuzz.example" || s.matched_name == "*.fuzz.example" ||
                       s.matched_name == "192.0.2.1");
            break;
        case Selection::Kind::None:
            break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    static const bool installed = [&] {
        SSL_CTX_set_client_hello_cb(w.ctx.get(), on_hello, nullptr);
        SSL_CTX_set_alpn_select_cb(w.ctx.get(), on_alpn, nullptr);
        return true;
    }();
    (void)installed;
    w.last = Selection{};
    w.result = -1;
    ossl::SslPtr ssl(SSL_new(w.ctx.get()));
    FUZZ_CHECK(ssl != nullptr);
    BIO* in = BIO_new_mem_buf(data, static_cast<int>(size));
    BIO* out = BIO_new(BIO_s_mem());
    FUZZ_CHECK(in != nullptr && out != nullptr);
    SSL_set_bio(ssl.get(), in, out);  // ssl owns both now
    (void)SSL_accept(ssl.get());
    ERR_clear_error();
    if (w.result != -1) check(w.last, w.result);
    return 0;
}
