#include "handshake/agent/ConnectionAddress.hpp"

#include <memory>

namespace certa::handshake {

namespace {

// The SSL owns its copy: freed with the SSL, deep-copied by SSL_dup.
void free_address(void*, void* address, CRYPTO_EX_DATA*, int, long, void*) {
    delete static_cast<std::string*>(address);
}

int dup_address(CRYPTO_EX_DATA*, const CRYPTO_EX_DATA*, void** from_d, int, long, void*) {
    auto** slot = reinterpret_cast<std::string**>(from_d);  // the copy's pointer, still the original's value
    if (*slot) *slot = new std::string(**slot);
    return 1;
}

int local_ip_slot() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, &dup_address, &free_address);
    return slot;
}

}  // namespace

void set_connection_local_ip(SSL* ssl, std::string canonical_ip) {
    auto copy = std::make_unique<std::string>(std::move(canonical_ip));
    auto* previous = static_cast<std::string*>(SSL_get_ex_data(ssl, local_ip_slot()));
    if (SSL_set_ex_data(ssl, local_ip_slot(), copy.get()) != 1) return;  // out of memory: no address then
    copy.release();
    delete previous;
}

const std::string* connection_local_ip(const SSL* ssl) {
    return static_cast<const std::string*>(SSL_get_ex_data(ssl, local_ip_slot()));
}

}  // namespace certa::handshake
