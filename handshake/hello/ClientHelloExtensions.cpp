#include "handshake/hello/ClientHelloExtensions.hpp"

#include "handshake/hello/ByteReader.hpp"

#include <algorithm>
#include <optional>

namespace certa::handshake {
namespace {

constexpr std::string_view kAcmeTls = "acme-tls/1";

// A vector with a `width`-byte length prefix that fills the body exactly.
std::optional<std::span<const std::uint8_t>> whole_vector(std::span<const std::uint8_t> body, int width) {
    ByteReader r(body);
    auto out = r.vec(width);
    if (!out || !r.empty()) return std::nullopt;
    return out;
}

}  // namespace

bool ClientHelloInfo::offers(std::string_view protocol) const {
    return std::find(alpn.begin(), alpn.end(), protocol) != alpn.end();
}

void parse_server_name(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 6066 §3: ServerName server_name_list<1..2^16-1>;
    // struct { NameType name_type; opaque HostName<1..2^16-1>; } ServerName.
    // "The ServerNameList MUST NOT contain more than one name of the same name_type."
    info.has_sni = true;
    info.sni.clear();
    auto malformed = [&] {
        info.sni_malformed = true;
        info.sni.clear();
    };
    auto list = whole_vector(body, 2);
    if (!list || list->empty()) return malformed();
    ByteReader r(*list);
    bool seen_host = false;
    while (!r.empty()) {
        auto type = r.u8();
        auto name = r.vec(2);
        if (!type || !name || name->empty()) return malformed();
        if (*type != 0) continue;  // other name types are skipped
        if (seen_host || name->size() > kMaxSniBytes) return malformed();
        seen_host = true;
        info.sni.assign(name->begin(), name->end());
    }
    if (!seen_host) malformed();
}

void parse_alpn(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>; opaque ProtocolName<1..2^8-1>.
    info.has_alpn = true;
    info.alpn.clear();
    info.offers_acme_tls = false;
    auto malformed = [&] {
        info.alpn_malformed = true;
        info.alpn.clear();
        info.offers_acme_tls = false;
    };
    auto list = whole_vector(body, 2);
    if (!list || list->empty()) return malformed();
    ByteReader r(*list);
    while (!r.empty()) {
        auto proto = r.vec(1);
        if (!proto || proto->empty()) return malformed();
        std::string_view name(reinterpret_cast<const char*>(proto->data()), proto->size());
        if (name == kAcmeTls) info.offers_acme_tls = true;
        if (info.alpn.size() < kMaxAlpnKept) info.alpn.emplace_back(name);
    }
}

void parse_supported_versions(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 8446 §4.2.1: ProtocolVersion versions<2..254> (ClientHello form).
    auto list = whole_vector(body, 1);
    if (!list || list->size() % 2 != 0) return;
    ByteReader r(*list);
    while (auto v = r.u16())
        if (*v == 0x0304) info.offers_tls13 = true;  // TLS 1.3
}

void parse_signature_algorithms(std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    // RFC 8446 §4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>.
    auto list = whole_vector(body, 2);
    if (!list || list->empty() || list->size() % 2 != 0) return;
    SignatureSupport s;
    s.listed = true;
    ByteReader r(*list);
    while (auto next = r.u16()) {
        const auto scheme = static_cast<std::uint16_t>(*next);
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

void parse_extension(std::uint16_t type, std::span<const std::uint8_t> body, ClientHelloInfo& info) {
    switch (type) {
        case kExtServerName: return parse_server_name(body, info);
        case kExtAlpn: return parse_alpn(body, info);
        case kExtSupportedVersions: return parse_supported_versions(body, info);
        case kExtSignatureAlgorithms: return parse_signature_algorithms(body, info);
        default: return;
    }
}

}  // namespace certa::handshake
