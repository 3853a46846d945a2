// SSL ex_data slot for the connection's Selection (see SelectionSlot.hpp),
// and Agent::last_selection, which reads it.
#include "handshake/agent/SelectionSlot.hpp"

#include <memory>

namespace certa::handshake {
namespace {

void free_selection(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    std::unique_ptr<Selection> owned(static_cast<Selection*>(ptr));
}

}  // namespace

int SelectionSlot::index() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_selection);
    return slot;
}

const Selection* SelectionSlot::find(const SSL* ssl) {
    return static_cast<const Selection*>(SSL_get_ex_data(ssl, index()));
}

Selection* SelectionSlot::get_or_create(SSL* ssl) {
    auto* existing = static_cast<Selection*>(SSL_get_ex_data(ssl, index()));
    if (existing) return existing;
    auto fresh = std::make_unique<Selection>();
    if (SSL_set_ex_data(ssl, index(), fresh.get()) != 1) return nullptr;
    return fresh.release();  // owned by the SSL now (free_selection)
}

std::optional<Selection> Agent::last_selection(const SSL* ssl) {
    const Selection* s = SelectionSlot::find(ssl);
    if (!s) return std::nullopt;
    return *s;
}

}  // namespace certa::handshake
