#include "TlsTestPeer.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/base/Clock.hpp"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>

namespace certa::test {
namespace {

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("TlsTestPeer: ") + what + ": " + ossl::last_error());
}

void on_info(const SSL* ssl, int where, int ret) {
    if (where & SSL_CB_READ_ALERT) {
        auto* result = static_cast<HandshakeResult*>(SSL_get_app_data(ssl));
        if (result && result->alert < 0) result->alert = ret & 0xff;
    }
}

std::string u16(std::size_t v) { return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }
std::string u24(std::size_t v) {
    return {static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string alpn_wire(const std::vector<std::string>& protocols) {
    std::string wire;
    for (const auto& p : protocols) {
        wire += static_cast<char>(p.size());
        wire += p;
    }
    return wire;
}

bool is_ip(const std::string& name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

ossl::SslCtxPtr make_server_ctx() {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    check(ctx != nullptr, "SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // Full handshakes only: no tickets, no session cache.
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx.get(), 0);
    return ctx;
}

ossl::SslCtxPtr make_client_ctx() {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    check(ctx != nullptr, "SSL_CTX_new");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    return ctx;
}

HandshakeResult run_handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const ClientOptions& options) {
    HandshakeResult result;
    ossl::SslPtr server(SSL_new(server_ctx));
    ossl::SslPtr client(SSL_new(client_ctx));
    check(server && client, "SSL_new");
    BIO* server_bio = nullptr;
    BIO* client_bio = nullptr;
    check(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0) == 1, "BIO_new_bio_pair");
    SSL_set_bio(server.get(), server_bio, server_bio);  // each SSL owns its end
    SSL_set_bio(client.get(), client_bio, client_bio);
    SSL_set_accept_state(server.get());
    SSL_set_connect_state(client.get());
    SSL_set_app_data(client.get(), &result);
    SSL_set_info_callback(client.get(), on_info);
    if (options.sni) check(SSL_set_tlsext_host_name(client.get(), options.sni->c_str()) == 1, "SNI");
    if (!options.alpn.empty()) {
        std::string wire = alpn_wire(options.alpn);
        check(SSL_set_alpn_protos(client.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                                  static_cast<unsigned>(wire.size())) == 0,
              "ALPN");
    }
    if (!options.sigalgs.empty()) check(SSL_set1_sigalgs_list(client.get(), options.sigalgs.c_str()) == 1, "sigalgs");
    if (options.max_version) SSL_set_max_proto_version(client.get(), options.max_version);
    if (options.status_request) check(SSL_set_tlsext_status_type(client.get(), TLSEXT_STATUSTYPE_ocsp) == 1, "status_request");

    bool client_done = false, server_done = false, failed = false;
    for (int round = 0; round < 64 && !(client_done && server_done); ++round) {
        if (!client_done) {
            int rc = SSL_do_handshake(client.get());
            if (rc == 1) client_done = true;
            else {
                int err = SSL_get_error(client.get(), rc);
                if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
                    failed = true;
                    result.error = "client: " + ossl::last_error();
                    break;
                }
            }
        }
        if (!server_done) {
            const auto t0 = std::chrono::steady_clock::now();
            int rc = SSL_do_handshake(server.get());
            result.server_us += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
            if (rc == 1) server_done = true;
            else {
                int err = SSL_get_error(server.get(), rc);
                if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
                    result.error = "server: " + ossl::last_error();
                    failed = true;
                    // Let the client read the alert the server sent.
                    SSL_do_handshake(client.get());
                    ERR_clear_error();
                    break;
                }
            }
        }
    }
    result.ok = !failed && client_done && server_done;
    if (!failed && !result.ok) result.error = "handshake did not finish";
    result.leaf.reset(SSL_get1_peer_certificate(client.get()));
    const unsigned char* proto = nullptr;
    unsigned int proto_len = 0;
    SSL_get0_alpn_selected(client.get(), &proto, &proto_len);
    if (proto) result.alpn.assign(reinterpret_cast<const char*>(proto), proto_len);
    const unsigned char* staple = nullptr;
    const long staple_len = SSL_get_tlsext_status_ocsp_resp(client.get(), &staple);
    if (staple && staple_len > 0) result.ocsp.assign(reinterpret_cast<const char*>(staple), static_cast<std::size_t>(staple_len));
    SSL_set_app_data(client.get(), nullptr);
    return result;
}

RawResult feed_server(SSL_CTX* server_ctx, const std::string& bytes) {
    RawResult result;
    ossl::SslPtr server(SSL_new(server_ctx));
    check(server != nullptr, "SSL_new");
    BIO* in = BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()));
    BIO* out = BIO_new(BIO_s_mem());
    check(in && out, "BIO");
    SSL_set_bio(server.get(), in, out);
    SSL_set_accept_state(server.get());
    SSL_do_handshake(server.get());
    ERR_clear_error();
    char* data = nullptr;
    long len = BIO_get_mem_data(out, &data);
    std::string written(data ? data : "", data ? static_cast<std::size_t>(len) : 0);
    // Walk the plaintext records the server wrote.
    std::size_t pos = 0;
    while (pos + 5 <= written.size()) {
        auto type = static_cast<unsigned char>(written[pos]);
        std::size_t rlen = (static_cast<unsigned char>(written[pos + 3]) << 8) |
                           static_cast<unsigned char>(written[pos + 4]);
        if (pos + 5 + rlen > written.size()) break;
        if (type == 0x16 && rlen >= 1 && written[pos + 5] == 0x02) result.accepted = true;
        // An alert after the ServerHello only reports the end of our input.
        if (type == 0x15 && rlen >= 2 && result.alert < 0 && !result.accepted)
            result.alert = static_cast<unsigned char>(written[pos + 6]);
        pos += 5 + rlen;
    }
    return result;
}

std::string sni_body(const std::string& host) {
    std::string entry = std::string(1, '\0') + u16(host.size()) + host;
    return u16(entry.size()) + entry;
}

std::string alpn_body(const std::vector<std::string>& protocols) {
    std::string wire = alpn_wire(protocols);
    return u16(wire.size()) + wire;
}

std::string make_client_hello(const std::vector<std::pair<std::uint16_t, std::string>>& extensions) {
    auto has = [&](std::uint16_t type) {
        for (const auto& [t, b] : extensions)
            if (t == type) return true;
        return false;
    };
    std::string ext;
    for (const auto& [type, body] : extensions) ext += u16(type) + u16(body.size()) + body;
    if (!has(0x000a)) ext += u16(0x000a) + u16(6) + u16(4) + u16(0x0017) + u16(0x001d);  // supported_groups
    if (!has(0x000b)) ext += u16(0x000b) + u16(2) + std::string("\x01\x00", 2);            // ec_point_formats
    if (!has(0x000d)) ext += u16(0x000d) + u16(6) + u16(4) + u16(0x0403) + u16(0x0804);  // signature_algorithms

    std::string body = u16(0x0303);
    std::string random(32, '\0');
    check(RAND_bytes(reinterpret_cast<unsigned char*>(random.data()), 32) == 1, "random");
    body += random;
    body += '\0';                                                                  // session_id
    body += u16(4) + u16(0xc02b) + u16(0xc02f);                                    // cipher suites
    body += std::string("\x01\x00", 2);                                            // compression: null
    body += u16(ext.size()) + ext;
    std::string message = std::string(1, '\x01') + u24(body.size()) + body;
    // Fragment into records of at most 2^14 bytes (RFC 8446 §5.1).
    std::string records;
    for (std::size_t off = 0; off < message.size(); off += 16384) {
        std::string frag = message.substr(off, 16384);
        records += std::string("\x16\x03\x01", 3) + u16(frag.size()) + frag;
    }
    return records;
}

std::string serial_of(X509* cert) {
    if (!cert) return {};
    ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn) return {};
    std::unique_ptr<char, decltype([](char* p) { OPENSSL_free(p); })> hex(BN_bn2hex(bn.get()));
    return hex ? std::string(hex.get()) : std::string();
}

std::vector<std::string> san_names(X509* cert) {
    std::vector<std::string> out;
    if (!cert) return out;
    ossl::GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
        if (gn->type == GEN_DNS) {
            const ASN1_IA5STRING* s = gn->d.dNSName;
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
        } else if (gn->type == GEN_IPADD) {
            const ASN1_OCTET_STRING* s = gn->d.iPAddress;
            std::array<char, INET6_ADDRSTRLEN> buf{};
            int family = ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6;
            if (inet_ntop(family, ASN1_STRING_get0_data(s), buf.data(), buf.size())) out.emplace_back(buf.data());
        }
    }
    return out;
}

namespace {
ASN1_OBJECT* acme_identifier_oid() {
    // RFC 8737 §6.1: id-pe-acmeIdentifier 1.3.6.1.5.5.7.1.31
    static ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
    return oid;
}
}  // namespace

bool has_acme_identifier(X509* cert) {
    return cert && X509_get_ext_by_OBJ(cert, acme_identifier_oid(), -1) >= 0;
}

ChallengeMaterial make_challenge_cert(const std::string& identifier) {
    ossl::PKeyPtr key = storage::generate_key("ec256");
    ossl::X509Ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "version");
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(certa::storage::unix_now()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7 * 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("ACME challenge"), -1, -1, 0);
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1, "issuer");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "pubkey");
    std::string san = (is_ip(identifier) ? "IP:" : "DNS:") + identifier;
    ossl::X509ExtPtr san_ext(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
    check(san_ext && X509_add_ext(cert.get(), san_ext.get(), -1) == 1, "SAN");
    // extnValue = DER OCTET STRING of the SHA-256 key authorization digest.
    std::string der = std::string("\x04\x20", 2) + std::string(32, '\0');
    check(RAND_bytes(reinterpret_cast<unsigned char*>(der.data() + 2), 32) == 1, "digest");
    ossl::Asn1OctetPtr value(ASN1_OCTET_STRING_new());
    check(value && ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(der.data()),
                                         static_cast<int>(der.size())) == 1,
          "octet");
    ossl::X509ExtPtr acme(X509_EXTENSION_create_by_OBJ(nullptr, acme_identifier_oid(), 1, value.get()));
    check(acme && X509_add_ext(cert.get(), acme.get(), -1) == 1, "acmeIdentifier");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");
    return {ossl::to_pem(cert.get()), ossl::to_pem(key.get())};
}

storage::Challenge make_challenge_row(const std::string& identifier, long ttl_s) {
    auto material = make_challenge_cert(identifier);
    storage::Challenge row;
    row.type = storage::ChallengeType::TlsAlpn01;
    row.identifier = identifier;
    row.token = "token-" + identifier;
    row.key_authorization = "token-" + identifier + ".thumbprint";
    row.cert_pem = material.cert_pem;
    row.key_pem = material.key_pem;
    row.expires = certa::storage::unix_now() + ttl_s;
    return row;
}

}  // namespace certa::test
