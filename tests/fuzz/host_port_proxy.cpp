// Fuzz target: the addresses `certa serve` reads and writes.
//  - storage/net/HostPort.* (handshake::HostPort): "HOST:PORT" from the command line; bad text
//    must end in std::invalid_argument, and what parses must print
//    (to_string) as text that parses back to the same host and port.
//  - handshake/serve/ProxyProtocol.*: certa only writes PROXY v2 headers
//    (it never reads one), so the bytes pick two endpoints and the header
//    built for them is decoded here against haproxy's proxy-protocol.txt
//    §2.2: signature, version/command, family, length, addresses, ports.
#include "handshake/serve/HostPort.hpp"
#include "handshake/serve/ProxyProtocol.hpp"

#include "FuzzCheck.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

using namespace certa::handshake;
namespace ip = boost::asio::ip;

namespace {

void host_port(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    HostPort parsed;
    try {
        parsed = HostPort::parse(text);
    } catch (const std::invalid_argument&) {
        return;
    }
    HostPort again;
    try {
        again = HostPort::parse(parsed.to_string());
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "to_string() of '%s' does not parse: %s\n", text.c_str(), e.what());
        FUZZ_CHECK(!"to_string() parses back");
    }
    FUZZ_CHECK(again.host == parsed.host);
    FUZZ_CHECK(again.port == parsed.port);
}

// Consumes bytes from the input (zeros once it runs out).
struct Bytes {
    const std::uint8_t* data;
    std::size_t size;
    std::uint8_t next() { return size ? (--size, *data++) : 0; }
    template <std::size_t N>
    std::array<unsigned char, N> take() {
        std::array<unsigned char, N> out{};
        for (auto& b : out) b = next();
        return out;
    }
};

ip::tcp::endpoint endpoint(Bytes& in, bool v6) {
    const ip::address address = v6 ? ip::address(ip::address_v6(in.take<16>())) : ip::address(ip::address_v4(in.take<4>()));
    const unsigned hi = in.next(), lo = in.next();
    return {address, static_cast<unsigned short>(hi << 8 | lo)};
}

std::array<unsigned char, 16> as_v6_bytes(const ip::address& a) {
    return a.is_v6() ? a.to_v6().to_bytes() : ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes();
}

unsigned be16(const std::string& s, std::size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(s[at])) << 8 | static_cast<unsigned char>(s[at + 1]);
}

void proxy_header(const std::uint8_t* data, std::size_t size) {
    Bytes in{data, size};
    const std::uint8_t families = in.next();
    const ip::tcp::endpoint source = endpoint(in, families & 1), destination = endpoint(in, families & 2);
    const std::string header = proxy_v2_header(source, destination);

    static constexpr unsigned char kSignature[] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    FUZZ_CHECK(header.size() >= 16);
    FUZZ_CHECK(std::memcmp(header.data(), kSignature, sizeof kSignature) == 0);
    FUZZ_CHECK(static_cast<unsigned char>(header[12]) == 0x21);  // version 2, PROXY
    FUZZ_CHECK(be16(header, 14) == header.size() - 16);          // the length covers exactly the rest
    const bool v4 = source.address().is_v4() && destination.address().is_v4();
    const std::size_t width = v4 ? 4 : 16;
    FUZZ_CHECK(static_cast<unsigned char>(header[13]) == (v4 ? 0x11 : 0x21));  // TCP over IPv4 / IPv6
    FUZZ_CHECK(header.size() == 16 + 2 * width + 4);
    if (v4) {
        FUZZ_CHECK(std::memcmp(header.data() + 16, source.address().to_v4().to_bytes().data(), 4) == 0);
        FUZZ_CHECK(std::memcmp(header.data() + 20, destination.address().to_v4().to_bytes().data(), 4) == 0);
    } else {
        FUZZ_CHECK(std::memcmp(header.data() + 16, as_v6_bytes(source.address()).data(), 16) == 0);
        FUZZ_CHECK(std::memcmp(header.data() + 32, as_v6_bytes(destination.address()).data(), 16) == 0);
    }
    FUZZ_CHECK(be16(header, 16 + 2 * width) == source.port());
    FUZZ_CHECK(be16(header, 18 + 2 * width) == destination.port());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    host_port(data, size);
    proxy_header(data, size);
    return 0;
}
