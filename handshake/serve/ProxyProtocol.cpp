#include "handshake/serve/ProxyProtocol.hpp"

namespace certa::handshake {
namespace {

// §2.2: the 12-byte signature, then version 2 / command PROXY (0x21).
constexpr unsigned char kSignature[] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr unsigned char kVersion2Proxy = 0x21;
constexpr unsigned char kTcp4 = 0x11;   // AF_INET, STREAM
constexpr unsigned char kTcp6 = 0x21;   // AF_INET6, STREAM

boost::asio::ip::address_v6 as_v6(const boost::asio::ip::address& a) {
    if (a.is_v6()) return a.to_v6();
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4());
}

void put16(std::string& out, unsigned value) {
    out.push_back(static_cast<char>((value >> 8) & 0xFF));
    out.push_back(static_cast<char>(value & 0xFF));
}

template <typename Bytes>
void put_bytes(std::string& out, const Bytes& bytes) {
    out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

std::string proxy_v2_header(const boost::asio::ip::tcp::endpoint& source,
                            const boost::asio::ip::tcp::endpoint& destination) {
    std::string out(reinterpret_cast<const char*>(kSignature), sizeof kSignature);
    out.push_back(static_cast<char>(kVersion2Proxy));
    const bool both_v4 = source.address().is_v4() && destination.address().is_v4();
    if (both_v4) {
        out.push_back(static_cast<char>(kTcp4));
        put16(out, 12);   // 2 x 4-byte address + 2 x port
        put_bytes(out, source.address().to_v4().to_bytes());
        put_bytes(out, destination.address().to_v4().to_bytes());
    } else {
        out.push_back(static_cast<char>(kTcp6));
        put16(out, 36);   // 2 x 16-byte address + 2 x port
        put_bytes(out, as_v6(source.address()).to_bytes());
        put_bytes(out, as_v6(destination.address()).to_bytes());
    }
    put16(out, source.port());
    put16(out, destination.port());
    return out;
}

}  // namespace certa::handshake
