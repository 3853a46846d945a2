// The ClientHello decision (see ClientHelloHandler.hpp).
#include "handshake/agent/ClientHelloHandler.hpp"

#include "handshake/agent/CertSelector.hpp"
#include "handshake/agent/ConnectionAddress.hpp"
#include "handshake/hello/ClientHelloReader.hpp"
#include "storage/names/NameNormalizer.hpp"
#include "storage/names/ReverseDnsName.hpp"
#include "storage/base/Clock.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <array>
#include <optional>
#include <string_view>

namespace certa::handshake {
namespace {

// The local address the connection arrived on (for SNI-less clients that
// connect by IP), canonical text: the one the server attached, else its
// socket's. nullopt when neither is known.
std::optional<std::string> local_ip(SSL* ssl) {
    if (const std::string* attached = connection_local_ip(ssl)) return *attached;
    int fd = SSL_get_fd(ssl);
    if (fd < 0) return std::nullopt;
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return std::nullopt;
    std::array<char, INET6_ADDRSTRLEN> buf{};
    const void* raw = nullptr;
    if (addr.ss_family == AF_INET)
        raw = &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr;
    else if (addr.ss_family == AF_INET6)
        raw = &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr;
    else
        return std::nullopt;
    if (!inet_ntop(addr.ss_family, raw, buf.data(), buf.size())) return std::nullopt;
    return storage::canonical_ip(buf.data());
}

bool use(SSL* ssl, X509* leaf, EVP_PKEY* key, STACK_OF(X509) * chain) {
    // Takes its own references to all three (override=1 replaces the context's).
    if (SSL_use_cert_and_key(ssl, leaf, key, chain, 1) == 1) return true;
    ERR_clear_error();
    return false;
}

}  // namespace

ClientHelloHandler::ClientHelloHandler(const AgentOptions& options, MaterialCache& cache,
                                       MaintenanceQueue* maintenance)
    : cache_(cache), maintenance_(maintenance), alpn_(options.alpn), fallback_to_context_(options.fallback_to_context_certificate) {
    if (!options.default_name.empty()) {
        if (auto n = storage::normalize_server_name(options.default_name)) default_name_ = n->name;
    }
    std::erase_if(alpn_, [](const std::string& p) {
        return p.empty() || p.size() > 255 || p == kAcmeTlsProtocol;
    });
}

std::string ClientHelloHandler::challenge_identifier(const std::string& sni) {
    auto name = storage::normalize_server_name(sni);
    if (!name) return {};
    // RFC 8738 §6: an IP identifier is validated with its reverse-DNS name as SNI.
    if (name->kind == storage::NormalizedName::Kind::Dns) {
        if (auto ip = storage::ip_from_reverse_name(name->name)) return *ip;
    }
    return name->name;
}

int ClientHelloHandler::serve_challenge(SSL* ssl, int* alert, const Snapshot& snapshot,
                                        const std::string& sni, bool sni_present,
                                        Selection& selection) const {
    // RFC 8737 §3: the challenge certificate, or nothing. Never a leaf.
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    if (!sni_present) return SSL_CLIENT_HELLO_ERROR;
    auto name = storage::normalize_server_name(sni);
    if (!name) return SSL_CLIENT_HELLO_ERROR;
    const std::string identifier = challenge_identifier(sni);
    selection.server_name = name->name;
    const ChallengeCert* challenge = snapshot.challenges->find(identifier, storage::unix_now());
    if (!challenge) return SSL_CLIENT_HELLO_ERROR;
    if (!use(ssl, challenge->cert.get(), challenge->key.get(), nullptr)) {
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    selection.kind = Selection::Kind::Challenge;
    selection.matched_name = identifier;
    return SSL_CLIENT_HELLO_SUCCESS;
}

int ClientHelloHandler::handle(SSL* ssl, int* alert, const Snapshot& snapshot,
                               Selection& selection, MissHandling* miss) const {
    selection = Selection{};
    const ClientHelloInfo hello = read_client_hello(ssl);
    selection.acme_tls_offered = hello.offers_acme_tls;
    if (hello.offers_acme_tls || (hello.has_alpn && hello.alpn_malformed))
        return serve_challenge(ssl, alert, snapshot, hello.sni,
                               hello.has_sni && !hello.sni_malformed && !hello.alpn_malformed,
                               selection);
    return serve_leaf(ssl, alert, hello, snapshot, default_name_, fallback_to_context_, selection, miss);
}

int ClientHelloHandler::serve_leaf(SSL* ssl, int* alert, const ClientHelloInfo& hello,
                                   const Snapshot& snapshot, const std::string& default_name,
                                   bool fallback, Selection& selection, MissHandling* miss) const {
    const storage::UnixTime now = storage::unix_now();
    std::optional<CertChoice> choice;
    bool is_default = false;
    if (hello.has_sni) {
        if (auto name = (hello.sni_malformed ? std::nullopt : storage::normalize_server_name(hello.sni))) {
            selection.server_name = name->name;
            choice = select_certificate(*snapshot.certs, name->name,
                                        name->kind == storage::NormalizedName::Kind::Dns, hello, now, cache_, miss);
        }
    } else if (auto ip = local_ip(ssl)) {
        choice = select_certificate(*snapshot.certs, *ip, false, hello, now, cache_, miss);
    }
    const auto paused = [miss] { return miss && miss->pending; };
    if (!choice && !paused() && !default_name.empty()) {
        choice = select_certificate(*snapshot.certs, default_name, true, hello, now, cache_, miss);
        is_default = true;
    }
    if (paused()) return SSL_CLIENT_HELLO_RETRY;  // the chosen certificate is loading (the callback runs again)
    if (!choice) {
        if (fallback) return SSL_CLIENT_HELLO_SUCCESS;
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_CLIENT_HELLO_ERROR;
    }
    const CertMaterial* m = choice->material.get();  // kept alive by `choice`
    if (!m || !use(ssl, m->leaf.get(), m->key.get(), m->chain_for_ssl())) {
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    selection.kind = is_default ? Selection::Kind::Default : Selection::Kind::Leaf;
    selection.matched_name = std::move(choice->matched_name);
    selection.certificate_id = choice->record.id;
    // Past its renewal time: one request per interval, written by the watcher (never here).
    if (maintenance_) maintenance_->note_served(choice->record.id, choice->record.not_before, choice->record.not_after, now);
    return SSL_CLIENT_HELLO_SUCCESS;
}

int ClientHelloHandler::select_alpn(const Selection* selection, const unsigned char** out,
                                    unsigned char* outlen, const unsigned char* in,
                                    unsigned int inlen) const {
    // Finds `want` in the client's (already validated by OpenSSL) list.
    auto find = [&](std::string_view want) -> bool {
        unsigned int i = 0;
        while (i < inlen) {
            unsigned int len = in[i];
            if (len == 0 || i + 1 + len > inlen) return false;
            if (std::string_view(reinterpret_cast<const char*>(in + i + 1), len) == want) {
                *out = in + i + 1;
                *outlen = static_cast<unsigned char>(len);
                return true;
            }
            i += 1 + len;
        }
        return false;
    };
    if (selection && selection->kind == Selection::Kind::Challenge) {
        // RFC 8737 §3: the server MUST negotiate acme-tls/1.
        return find(kAcmeTlsProtocol) ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    for (const auto& proto : alpn_)
        if (find(proto)) return SSL_TLSEXT_ERR_OK;
    return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace certa::handshake
