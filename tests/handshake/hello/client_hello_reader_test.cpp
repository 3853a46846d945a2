// Extension-body parsers against well-formed and hostile bytes.
#include "handshake/hello/ClientHelloReader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace certa::handshake;

namespace {
std::vector<std::uint8_t> bytes(std::initializer_list<int> list) {
    std::vector<std::uint8_t> out;
    for (int b : list) out.push_back(static_cast<std::uint8_t>(b));
    return out;
}
std::vector<std::uint8_t> sni(const std::string& host) {
    std::vector<std::uint8_t> out;
    std::size_t entry = 3 + host.size();
    out.push_back(static_cast<std::uint8_t>(entry >> 8));
    out.push_back(static_cast<std::uint8_t>(entry));
    out.push_back(0);
    out.push_back(static_cast<std::uint8_t>(host.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(host.size()));
    for (char c : host) out.push_back(static_cast<std::uint8_t>(c));
    return out;
}
std::vector<std::uint8_t> alpn(const std::vector<std::string>& protos) {
    std::string wire;
    for (const auto& p : protos) {
        wire += static_cast<char>(p.size());
        wire += p;
    }
    std::vector<std::uint8_t> out;
    out.reserve(wire.size() + 2);
    out.push_back(static_cast<std::uint8_t>(wire.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(wire.size()));
    for (char c : wire) out.push_back(static_cast<std::uint8_t>(c));
    return out;
}
}  // namespace

TEST_CASE("server_name: well-formed and hostile bodies") {
    {
        ClientHelloInfo info;
        parse_server_name(sni("Example.com"), info);
        CHECK(info.has_sni);
        CHECK_FALSE(info.sni_malformed);
        CHECK(info.sni == "Example.com");
    }
    const std::vector<std::vector<std::uint8_t>> hostile = {
        {},                                   // empty body
        bytes({0x00}),                        // truncated length
        bytes({0x00, 0x00}),                  // empty list
        bytes({0x00, 0x05, 0x00, 0x00, 0x09, 'a', 'b'}),  // name length past the end
        bytes({0x00, 0x03, 0x00, 0x00, 0x00}),            // zero-length name
        bytes({0xff, 0xff, 0x00, 0x00, 0x01, 'a'}),       // list length past the end
        bytes({0x00, 0x04, 0x00, 0x00, 0x01, 'a', 'x'}),  // trailing garbage inside the list
        bytes({0x00, 0x04, 0x01, 0x00, 0x01, 'a'}),       // only a non-host_name type
    };
    for (const auto& body : hostile) {
        CAPTURE(body.size());
        ClientHelloInfo info;
        parse_server_name(body, info);
        CHECK(info.has_sni);
        CHECK(info.sni_malformed);
        CHECK(info.sni.empty());
    }
    // Over the copy bound: refused without being copied.
    ClientHelloInfo big;
    parse_server_name(sni(std::string(kMaxSniBytes + 1, 'a')), big);
    CHECK(big.sni_malformed);
    CHECK(big.sni.empty());
}

TEST_CASE("ALPN: acme-tls/1 detection and hostile lists") {
    {
        ClientHelloInfo info;
        parse_alpn(alpn({"h2", "http/1.1"}), info);
        CHECK(info.has_alpn);
        CHECK_FALSE(info.offers_acme_tls);
        CHECK_FALSE(info.alpn_malformed);
    }
    {
        ClientHelloInfo info;
        parse_alpn(alpn({"h2", "acme-tls/1"}), info);
        CHECK(info.offers_acme_tls);
    }
    {
        ClientHelloInfo info;  // a near miss is not the protocol
        parse_alpn(alpn({"acme-tls/10", "acme-tls", "ACME-TLS/1"}), info);
        CHECK_FALSE(info.offers_acme_tls);
    }
    {
        // A huge list (the whole 64 KiB) with acme-tls/1 last.
        std::vector<std::string> many(2500, std::string(24, 'x'));
        many.push_back("acme-tls/1");
        ClientHelloInfo info;
        parse_alpn(alpn(many), info);
        CHECK(info.offers_acme_tls);
        CHECK_FALSE(info.alpn_malformed);
    }
    const std::vector<std::vector<std::uint8_t>> hostile = {
        {}, bytes({0x00}), bytes({0x00, 0x00}),
        bytes({0x00, 0x02, 0x00, 'a'}),              // zero-length protocol
        bytes({0x00, 0x0b, 0x0a, 'a', 'c', 'm', 'e', '-', 't', 'l', 's', '/', '1', 'x'}),  // list length off
        bytes({0x00, 0x03, 0x0a, 'a', 'c'}),         // protocol past the end
    };
    for (const auto& body : hostile) {
        CAPTURE(body.size());
        ClientHelloInfo info;
        parse_alpn(body, info);
        CHECK(info.alpn_malformed);
        CHECK_FALSE(info.offers_acme_tls);
    }
}

TEST_CASE("signature_algorithms and supported_versions") {
    ClientHelloInfo info;
    parse_signature_algorithms(bytes({0x00, 0x04, 0x04, 0x03, 0x08, 0x04}), info);
    CHECK(info.signatures.listed);
    CHECK(info.signatures.ecdsa_p256);
    CHECK_FALSE(info.signatures.ecdsa_p384);
    CHECK(info.signatures.rsa);
    CHECK(info.signatures.rsa_pss_rsae);

    ClientHelloInfo rsa_only;
    parse_signature_algorithms(bytes({0x00, 0x02, 0x04, 0x01}), rsa_only);
    CHECK(rsa_only.signatures.rsa);
    CHECK_FALSE(rsa_only.signatures.rsa_pss_rsae);
    CHECK_FALSE(rsa_only.signatures.ecdsa_any);

    ClientHelloInfo odd;  // odd length: ignored, judged as "not listed"
    parse_signature_algorithms(bytes({0x00, 0x03, 0x04, 0x03, 0x08}), odd);
    CHECK_FALSE(odd.signatures.listed);

    ClientHelloInfo v;
    parse_supported_versions(bytes({0x04, 0x03, 0x04, 0x03, 0x03}), v);
    CHECK(v.offers_tls13);
    ClientHelloInfo v12;
    parse_supported_versions(bytes({0x02, 0x03, 0x03}), v12);
    CHECK_FALSE(v12.offers_tls13);
    ClientHelloInfo bad;
    parse_supported_versions(bytes({0x05, 0x03, 0x04}), bad);
    CHECK_FALSE(bad.offers_tls13);
}
