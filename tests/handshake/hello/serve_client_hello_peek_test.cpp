// ClientHelloPeek: the daemon's MSG_PEEK parser, fed real OpenSSL ClientHellos,
// every prefix of them, fragmented records and hostile bytes.
#include "handshake/hello/ClientHelloPeek.hpp"

#include "TlsTestPeer.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include <random>
#include <string>
#include <vector>

using certa::handshake::PeekedClientHello;
using certa::handshake::kMaxPeekBytes;
using certa::handshake::parse_client_hello;
using Status = PeekedClientHello::Status;

namespace {

PeekedClientHello parse(const std::string& bytes) {
    return parse_client_hello(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                                            bytes.size()));
}

// The first flight of a real OpenSSL client (memory BIOs, no socket).
std::string openssl_client_hello(const char* sni, const std::vector<std::string>& alpn) {
    certa::ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    REQUIRE(ctx);
    certa::ossl::SslPtr ssl(SSL_new(ctx.get()));
    REQUIRE(ssl);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl.get(), in, out);  // the SSL owns both
    if (sni) REQUIRE(SSL_set_tlsext_host_name(ssl.get(), sni) == 1);
    if (!alpn.empty()) {
        std::string wire;
        for (const auto& p : alpn) wire += static_cast<char>(p.size()) + p;
        REQUIRE(SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                                    static_cast<unsigned>(wire.size())) == 0);
    }
    SSL_set_connect_state(ssl.get());
    REQUIRE(SSL_do_handshake(ssl.get()) <= 0);  // waits for the ServerHello
    char* data = nullptr;
    long n = BIO_get_mem_data(out, &data);
    REQUIRE(n > 0);
    return std::string(data, static_cast<std::size_t>(n));
}

// Re-frames the handshake message of `records` into records of `size` bytes.
std::string refragment(const std::string& records, std::size_t size) {
    std::string message;
    for (std::size_t pos = 0; pos + 5 <= records.size();) {
        std::size_t len = (static_cast<unsigned char>(records[pos + 3]) << 8) | static_cast<unsigned char>(records[pos + 4]);
        message += records.substr(pos + 5, len);
        pos += 5 + len;
    }
    std::string out;
    for (std::size_t off = 0; off < message.size(); off += size) {
        std::string frag = message.substr(off, size);
        out += std::string("\x16\x03\x01", 3);
        out += static_cast<char>(frag.size() >> 8);
        out += static_cast<char>(frag.size() & 0xFF);
        out += frag;
    }
    return out;
}

}  // namespace

TEST_CASE("a real OpenSSL ClientHello yields its SNI and ALPN list in order") {
    auto hello = openssl_client_hello("www.example.com", {"h2", "acme-tls/1", "http/1.1"});
    auto info = parse(hello);
    REQUIRE(info.status == Status::Complete);
    CHECK(info.sni == "www.example.com");
    CHECK(info.alpn == std::vector<std::string>{"h2", "acme-tls/1", "http/1.1"});
    CHECK(info.offers("acme-tls/1"));
    CHECK_FALSE(info.offers("acme-tls/2"));
}

TEST_CASE("no server_name and no ALPN: complete, both empty") {
    auto info = parse(openssl_client_hello(nullptr, {}));
    REQUIRE(info.status == Status::Complete);
    CHECK(info.sni.empty());
    CHECK(info.alpn.empty());
}

TEST_CASE("every proper prefix of a ClientHello asks for more bytes") {
    auto hello = openssl_client_hello("a.example", {"acme-tls/1"});
    for (std::size_t n = 0; n < hello.size(); ++n) {
        auto info = parse(hello.substr(0, n));
        INFO("prefix length " << n);
        REQUIRE(info.status == Status::NeedMore);
    }
    CHECK(parse(hello).status == Status::Complete);
}

TEST_CASE("a ClientHello fragmented over several records is reassembled") {
    auto hello = refragment(openssl_client_hello("frag.example", {"acme-tls/1"}), 37);
    REQUIRE(hello.size() > 5 * 5);  // really several records
    auto info = parse(hello);
    REQUIRE(info.status == Status::Complete);
    CHECK(info.sni == "frag.example");
    CHECK(info.offers("acme-tls/1"));
    for (std::size_t n = 0; n < hello.size(); n += 7) CHECK(parse(hello.substr(0, n)).status == Status::NeedMore);
}

TEST_CASE("NeedMore says how many bytes to wait for: one wake per record header and per record") {
    // One record: the header first, then the whole record at once.
    auto single = openssl_client_hello("need.example", {"acme-tls/1"});
    for (std::size_t n = 0; n < single.size(); ++n) {
        INFO("prefix length " << n);
        CHECK(parse(single.substr(0, n)).need == (n < 5 ? 5 : single.size()));
    }
    // Several records: each `need` lies beyond the prefix and within the hello,
    // and a prefix of exactly `need` bytes gets further (complete, or a larger need).
    auto fragmented = refragment(openssl_client_hello("frag.example", {"acme-tls/1"}), 37);
    int wakes = 0;
    for (std::size_t n = 0; n < fragmented.size(); ++wakes) {
        auto info = parse(fragmented.substr(0, n));
        REQUIRE(info.status == Status::NeedMore);
        REQUIRE(info.need > n);
        REQUIRE(info.need <= fragmented.size());
        n = info.need;
    }
    CHECK(parse(fragmented).status == Status::Complete);
    int records = 0;
    for (std::size_t pos = 0; pos + 5 <= fragmented.size(); ++records)
        pos += 5 + ((static_cast<unsigned char>(fragmented[pos + 3]) << 8) | static_cast<unsigned char>(fragmented[pos + 4]));
    CHECK(wakes == 2 * records);
}

TEST_CASE("bytes after the ClientHello do not matter") {
    auto hello = openssl_client_hello("x.example", {}) + std::string("\x17\x03\x03\x00\x05hello", 10);
    CHECK(parse(hello).status == Status::Complete);
}

TEST_CASE("not TLS at all is refused at once") {
    CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == Status::Invalid);
    CHECK(parse("G").status == Status::Invalid);
    CHECK(parse(std::string("\x16\x02", 2)).status == Status::Invalid);            // bad record version
    CHECK(parse(std::string("\x17\x03\x03\x00\x10", 5)).status == Status::Invalid);  // application data
}

TEST_CASE("broken record and handshake framing is refused") {
    CHECK(parse(std::string("\x16\x03\x01\x00\x00", 5)).status == Status::Invalid);          // empty record
    CHECK(parse(std::string("\x16\x03\x01\x40\x01", 5)).status == Status::Invalid);          // > 2^14
    CHECK(parse(std::string("\x16\x03\x01\x00\x04\x02\x00\x00\x00", 9)).status == Status::Invalid);  // ServerHello
    // A ClientHello that claims more than the peek bound is refused before it arrives.
    CHECK(parse(std::string("\x16\x03\x01\x00\x04\x01\x01\x00\x00", 9)).status == Status::Invalid);
    // A ClientHello body that is only zeros: bad cipher suite vector.
    std::string zeros = std::string("\x16\x03\x01\x00\x30\x01\x00\x00\x2c", 9) + std::string(0x2c, '\0');
    CHECK(parse(zeros).status == Status::Invalid);
}

TEST_CASE("malformed extensions are refused") {
    using certa::test::alpn_body;
    using certa::test::make_client_hello;
    using certa::test::sni_body;
    CHECK(parse(make_client_hello({{0, sni_body("a.example")}})).status == Status::Complete);
    CHECK(parse(make_client_hello({{0, sni_body("a.example")}, {0, sni_body("b.example")}})).status == Status::Invalid);
    CHECK(parse(make_client_hello({{16, alpn_body({"h2"})}, {16, alpn_body({"h2"})}})).status == Status::Invalid);
    CHECK(parse(make_client_hello({{16, std::string("\x00\x00", 2)}})).status == Status::Invalid);      // empty list
    CHECK(parse(make_client_hello({{16, std::string("\x00\x01\x00", 3)}})).status == Status::Invalid);  // empty name
    CHECK(parse(make_client_hello({{16, std::string("\x00\x05\x09h2", 5)}})).status == Status::Invalid);  // overrun
    CHECK(parse(make_client_hello({{0, std::string("\x00\x03\x00\x00\x00", 5)}})).status == Status::Invalid);  // empty host
}

TEST_CASE("thousands of distinct extensions pass; one repeated at the end is refused") {
    // Issue 14: the duplicate check is one bit per type (linear), so a crafted
    // 12 KiB hello of empty extensions costs one pass.
    std::vector<std::pair<std::uint16_t, std::string>> many;
    for (std::uint16_t type = 1000; type < 4000; ++type) many.push_back({type, std::string()});
    CHECK(parse(certa::test::make_client_hello(many)).status == Status::Complete);
    many.push_back({std::uint16_t{1000}, std::string()});
    CHECK(parse(certa::test::make_client_hello(many)).status == Status::Invalid);
}

TEST_CASE("a ClientHello beyond the peek bound is refused, not buffered") {
    std::vector<std::string> huge(3000, "protocol");  // ~27 KiB of ALPN
    huge.push_back("acme-tls/1");
    auto hello = certa::test::make_client_hello({{16, certa::test::alpn_body(huge)}});
    REQUIRE(hello.size() > kMaxPeekBytes);
    CHECK(parse(hello).status == Status::Invalid);
    CHECK(parse(hello.substr(0, kMaxPeekBytes)).status == Status::Invalid);
}

TEST_CASE("random mutations never crash and never invent an empty protocol name") {
    const auto base = openssl_client_hello("mutate.example", {"h2", "acme-tls/1"});
    std::mt19937 rng(20261127);
    int complete = 0, invalid = 0;
    for (int i = 0; i < 5000; ++i) {
        std::string bytes = base;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
        if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
        auto info = parse(bytes);
        if (info.status == Status::Complete) {
            ++complete;
            for (const auto& p : info.alpn) CHECK_FALSE(p.empty());
        }
        if (info.status == Status::Invalid) {
            ++invalid;
            CHECK_FALSE(info.error.empty());
        }
    }
    // Both outcomes occur: the mutations reach the parser's checks.
    CHECK(complete > 0);
    CHECK(invalid > 0);
}
