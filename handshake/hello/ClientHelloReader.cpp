#include "handshake/hello/ClientHelloReader.hpp"

namespace certa::handshake {

ClientHelloInfo read_client_hello(SSL* ssl) {
    ClientHelloInfo info;
    for (std::uint16_t type : {kExtServerName, kExtAlpn, kExtSupportedVersions, kExtSignatureAlgorithms}) {
        const unsigned char* data = nullptr;
        std::size_t len = 0;
        if (SSL_client_hello_get0_ext(ssl, type, &data, &len) == 1)
            parse_extension(type, std::span<const std::uint8_t>(data, len), info);
    }
    return info;
}

}  // namespace certa::handshake
