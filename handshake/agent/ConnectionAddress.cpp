#include "handshake/agent/ConnectionAddress.hpp"

#include "handshake/agent/SslSlot.hpp"

#include <utility>

namespace certa::handshake {

namespace {

struct LocalIpTag;
// The SSL owns its copy: freed with the SSL, deep-copied by SSL_dup.
using LocalIpSlot = SslSlot<std::string, LocalIpTag>;

}  // namespace

void set_connection_local_ip(SSL* ssl, std::string canonical_ip) {
    (void)LocalIpSlot::set(ssl, std::move(canonical_ip));  // out of memory: no address then
}

const std::string* connection_local_ip(const SSL* ssl) { return LocalIpSlot::find(ssl); }

}  // namespace certa::handshake
