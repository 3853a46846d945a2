#include "handshake/agent/ConnectionAddress.hpp"

namespace certa::handshake {

namespace {

// Not owned by the SSL: no free callback.
int local_ip_slot() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return slot;
}

}  // namespace

void set_connection_local_ip(SSL* ssl, const std::string* canonical_ip) {
    SSL_set_ex_data(ssl, local_ip_slot(), const_cast<std::string*>(canonical_ip));
}

const std::string* connection_local_ip(const SSL* ssl) {
    return static_cast<const std::string*>(SSL_get_ex_data(ssl, local_ip_slot()));
}

}  // namespace certa::handshake
