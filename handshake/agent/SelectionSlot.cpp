// Agent::last_selection, which reads the connection's SelectionSlot.
#include "handshake/agent/SelectionSlot.hpp"

namespace certa::handshake {

std::optional<Selection> Agent::last_selection(const SSL* ssl) {
    const Selection* s = SelectionSlot::find(ssl);
    if (!s) return std::nullopt;
    return *s;
}

}  // namespace certa::handshake
