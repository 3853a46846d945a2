#include "handshake/agent/HostSelection.hpp"

#include "handshake/agent/SslSlot.hpp"
#include "handshake/hello/ClientHelloExtensions.hpp"
#include "handshake/hello/ClientHelloReader.hpp"

#include <openssl/crypto.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace certa::handshake {
namespace {

// The ClientHello a host's own ClientHello callback recorded.
using RecordedHelloSlot = SslSlot<ClientHelloInfo>;

// The client's signature_algorithms as OpenSSL parsed them, re-encoded as the
// extension body (RFC 8446 §4.2.3) so that one parser judges both paths.
void signatures_from_state(SSL* ssl, ClientHelloInfo& info) {
    const int count = SSL_get_sigalgs(ssl, -1, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (count <= 0 || count > 0x7fff) return;
    std::vector<std::uint8_t> body;
    body.reserve(2 + 2 * static_cast<std::size_t>(count));
    body.push_back(static_cast<std::uint8_t>((2 * count) >> 8));
    body.push_back(static_cast<std::uint8_t>((2 * count) & 0xff));
    for (int i = 0; i < count; ++i) {
        unsigned char rsig = 0, rhash = 0;
        SSL_get_sigalgs(ssl, i, nullptr, nullptr, nullptr, &rsig, &rhash);
        body.push_back(rhash);
        body.push_back(rsig);
    }
    parse_signature_algorithms(body, info);
}

}  // namespace

void record_client_hello(SSL* ssl) {
    // A second ClientHello (HelloRetryRequest) replaces the first; out of memory: rebuilt later.
    (void)RecordedHelloSlot::set(ssl, read_client_hello(ssl));
}

const ClientHelloInfo* recorded_client_hello(const SSL* ssl) { return RecordedHelloSlot::find(ssl); }

ClientHelloInfo client_hello_in_cert_callback(SSL* ssl) {
    if (const ClientHelloInfo* recorded = recorded_client_hello(ssl)) return *recorded;
    ClientHelloInfo info;
    if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
        info.has_sni = true;
        if (std::strlen(sni) <= kMaxSniBytes)
            info.sni = sni;
        else
            info.sni_malformed = true;
    }
    info.offers_tls13 = SSL_version(ssl) == TLS1_3_VERSION;
    signatures_from_state(ssl, info);
    return info;
}

std::string_view negotiated_alpn(const SSL* ssl) {
    const unsigned char* data = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &data, &len);
    if (!data) return {};
    return {reinterpret_cast<const char*>(data), len};
}

bool find_alpn_offer(const unsigned char* in, unsigned int inlen, std::string_view want,
                     const unsigned char** out, unsigned char* outlen) {
    unsigned int i = 0;
    while (i < inlen) {
        const unsigned int len = in[i];
        if (len == 0 || i + 1 + len > inlen) return false;
        if (std::string_view(reinterpret_cast<const char*>(in + i + 1), len) == want) {
            *out = in + i + 1;
            *outlen = static_cast<unsigned char>(len);
            return true;
        }
        i += 1 + len;
    }
    return false;
}

}  // namespace certa::handshake
