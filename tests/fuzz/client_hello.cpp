// Fuzz target: both readers of a TLS ClientHello from raw bytes, the first
// bytes of a connection.
//  - handshake/hello/ClientHelloPeek.* (`certa serve`, before TLS starts):
//    record reassembly, message framing, extension framing;
//  - handshake/hello/ClientHelloReader.* (the agent, inside OpenSSL's
//    ClientHello callback): the same bytes go through a real OpenSSL server
//    over memory BIOs, and the callback reads the hello as the agent does.
// Both share the extension parsers (ClientHelloExtensions.*). When both see a
// complete hello, they must agree on the server name and the ALPN offers
// (DESIGN: a name is judged the same way on both paths).
#include "handshake/hello/ClientHelloPeek.hpp"
#include "handshake/hello/ClientHelloReader.hpp"
#include "storage/base/OpenSsl.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

using namespace certa;
using handshake::ClientHelloInfo;
using handshake::PeekedClientHello;

namespace {

std::optional<ClientHelloInfo> g_seen;  // what the callback read, for the current input

int on_client_hello(SSL* ssl, int* alert, void*) {
    g_seen = handshake::read_client_hello(ssl);
    *alert = SSL_AD_HANDSHAKE_FAILURE;
    return SSL_CLIENT_HELLO_ERROR;  // the hello is all this target wants
}

SSL_CTX* server_context() {
    static const ossl::SslCtxPtr ctx = [] {
        ossl::SslCtxPtr c(SSL_CTX_new(TLS_server_method()));
        FUZZ_CHECK(c != nullptr);
        SSL_CTX_set_client_hello_cb(c.get(), on_client_hello, nullptr);
        return c;
    }();
    return ctx.get();
}

std::optional<ClientHelloInfo> read_through_openssl(std::span<const std::uint8_t> bytes) {
    g_seen.reset();
    ossl::SslPtr ssl(SSL_new(server_context()));
    FUZZ_CHECK(ssl != nullptr);
    BIO* in = BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()));
    BIO* out = BIO_new(BIO_s_mem());
    FUZZ_CHECK(in != nullptr && out != nullptr);
    SSL_set_bio(ssl.get(), in, out);  // ssl owns both now
    (void)SSL_accept(ssl.get());
    ERR_clear_error();
    return g_seen;
}

void check_bounds(const ClientHelloInfo& info) {
    FUZZ_CHECK(info.sni.size() <= handshake::kMaxSniBytes);
    FUZZ_CHECK(info.alpn.size() <= handshake::kMaxAlpnKept);
    if (info.sni_malformed) FUZZ_CHECK(info.sni.empty());
    if (info.alpn_malformed) FUZZ_CHECK(info.alpn.empty() && !info.offers_acme_tls);
    if (info.offers("acme-tls/1")) FUZZ_CHECK(info.offers_acme_tls);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    const PeekedClientHello peeked = handshake::parse_client_hello(bytes);
    check_bounds(peeked);
    if (peeked.status == PeekedClientHello::Status::Invalid) FUZZ_CHECK(!peeked.error.empty());
    // The peek never needs more than kMaxPeekBytes to decide.
    if (size >= handshake::kMaxPeekBytes) FUZZ_CHECK(peeked.status != PeekedClientHello::Status::NeedMore);

    const std::optional<ClientHelloInfo> seen = read_through_openssl(bytes);
    if (seen) check_bounds(*seen);
    if (seen && peeked.status == PeekedClientHello::Status::Complete && !seen->sni_malformed && !seen->alpn_malformed) {
        FUZZ_CHECK(seen->has_sni == peeked.has_sni);
        FUZZ_CHECK(seen->sni == peeked.sni);
        FUZZ_CHECK(seen->offers_acme_tls == peeked.offers_acme_tls);
        FUZZ_CHECK(seen->alpn == peeked.alpn);
    }
    return 0;
}
