#include "handshake/agent/ClientGroup.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace certa::handshake {

std::string client_group(const std::string& client) {
    if (client.find(':') == std::string::npos) return client;  // IPv4 (or not an address): as is
    in6_addr v6{};
    if (inet_pton(AF_INET6, client.c_str(), &v6) != 1) return client;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        in_addr v4{};
        std::memcpy(&v4, v6.s6_addr + 12, 4);
        return inet_ntop(AF_INET, &v4, text.data(), text.size()) ? std::string(text.data()) : client;
    }
    std::memset(v6.s6_addr + 8, 0, 8);  // keep the /64 prefix
    if (!inet_ntop(AF_INET6, &v6, text.data(), text.size())) return client;
    return std::string(text.data()) + "/64";
}

}  // namespace certa::handshake
