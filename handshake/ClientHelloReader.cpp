#include "handshake/ClientHelloReader.hpp"

#include <string_view>

namespace certa::handshake {
namespace {

// A bounds-checked cursor over one extension body.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    bool u8(std::uint8_t& v) {
        if (bytes_.size() < 1) return false;
        v = bytes_[0];
        bytes_ = bytes_.subspan(1);
        return true;
    }
    bool u16(std::uint16_t& v) {
        if (bytes_.size() < 2) return false;
        v = static_cast<std::uint16_t>((bytes_[0] << 8) | bytes_[1]);
        bytes_ = bytes_.subspan(2);
        return true;
    }
    bool take(std::size_t n, std::span<const std::uint8_t>& out) {
        if (bytes_.size() < n) return false;
        out = bytes_.first(n);
        bytes_ = bytes_.subspan(n);
        return true;
    }
    bool empty() const { return bytes_.empty(); }

private:
    std::span<const std::uint8_t> bytes_;
};

// Reads a vector with a 1- or 2-byte length prefix that must fill the body exactly.
bool whole_vector(std::span<const std::uint8_t> body, int prefix, std::span<const std::uint8_t>& out) {
    Reader r(body);
    std::size_t len = 0;
    if (prefix == 1) {
        std::uint8_t n = 0;
        if (!r.u8(n)) return false;
        len = n;
    } else {
        std::uint16_t n = 0;
        if (!r.u16(n)) return false;
        len = n;
    }
    return r.take(len, out) && r.empty();
}

constexpr std::string_view kAcmeTls = "acme-tls/1";

}  // namespace

void parse_server_name(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 6066 §3: ServerName server_name_list<1..2^16-1>;
    // struct { NameType name_type; opaque HostName<1..2^16-1>; } ServerName.
    info.has_sni = true;
    info.sni.clear();
    std::span<const std::uint8_t> list;
    if (!whole_vector(body, 2, list) || list.empty()) {
        info.sni_malformed = true;
        return;
    }
    Reader r(list);
    while (!r.empty()) {
        std::uint8_t type = 0;
        std::uint16_t len = 0;
        std::span<const std::uint8_t> name;
        if (!r.u8(type) || !r.u16(len) || !r.take(len, name) || len == 0) {
            info.sni_malformed = true;
            info.sni.clear();
            return;
        }
        if (type == 0 && info.sni.empty()) {  // host_name; the first one counts
            if (name.size() > kMaxSniBytes) {
                info.sni_malformed = true;
                return;
            }
            info.sni.assign(name.begin(), name.end());
        }
    }
    if (info.sni.empty()) info.sni_malformed = true;
}

void parse_alpn(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>; opaque ProtocolName<1..2^8-1>.
    info.has_alpn = true;
    std::span<const std::uint8_t> list;
    if (!whole_vector(body, 2, list) || list.empty()) {
        info.alpn_malformed = true;
        return;
    }
    Reader r(list);
    bool acme = false;
    while (!r.empty()) {
        std::uint8_t len = 0;
        std::span<const std::uint8_t> proto;
        if (!r.u8(len) || len == 0 || !r.take(len, proto)) {
            info.alpn_malformed = true;
            return;
        }
        std::string_view name(reinterpret_cast<const char*>(proto.data()), proto.size());
        if (name == kAcmeTls) acme = true;
    }
    info.offers_acme_tls = acme;
}

void parse_supported_versions(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 8446 §4.2.1: ProtocolVersion versions<2..254> (ClientHello form).
    std::span<const std::uint8_t> list;
    if (!whole_vector(body, 1, list) || list.size() % 2 != 0) return;
    Reader r(list);
    std::uint16_t v = 0;
    while (r.u16(v))
        if (v == TLS1_3_VERSION) info.offers_tls13 = true;
}

void parse_signature_algorithms(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 8446 §4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>.
    std::span<const std::uint8_t> list;
    if (!whole_vector(body, 2, list) || list.empty() || list.size() % 2 != 0) return;
    SignatureSupport s;
    s.listed = true;
    Reader r(list);
    std::uint16_t scheme = 0;
    while (r.u16(scheme)) {
        const std::uint8_t hash = scheme >> 8, sig = scheme & 0xff;
        if (sig == 0x03 && hash >= 0x02 && hash <= 0x06) {  // (legacy) ecdsa_*
            s.ecdsa_any = true;
            if (scheme == 0x0403) s.ecdsa_p256 = true;
            if (scheme == 0x0503) s.ecdsa_p384 = true;
        } else if (sig == 0x01 && hash >= 0x02 && hash <= 0x06) {  // rsa_pkcs1_*
            s.rsa = true;
        } else if (scheme >= 0x0804 && scheme <= 0x0806) {  // rsa_pss_rsae_*
            s.rsa = true;
            s.rsa_pss_rsae = true;
        }
    }
    info.signatures = s;
}

ClientHelloInfo read_client_hello(SSL* ssl) {
    ClientHelloInfo info;
    const unsigned char* data = nullptr;
    std::size_t len = 0;
    auto body = [&] { return std::span<const std::uint8_t>(data, len); };
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &data, &len) == 1)
        parse_server_name(body(), info);
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &data,
                                  &len) == 1)
        parse_alpn(body(), info);
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_versions, &data, &len) == 1)
        parse_supported_versions(body(), info);
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_signature_algorithms, &data, &len) == 1)
        parse_signature_algorithms(body(), info);
    return info;
}

}  // namespace certa::handshake
