// The SSL ex_data slot that holds a connection's Selection: what the agent
// chose for its last ClientHello (or certificate callback). The SSL owns it
// and frees it with the connection.
#pragma once

#include "handshake/agent/Agent.hpp"

#include <openssl/ssl.h>

namespace certa::handshake {

class SelectionSlot {
public:
    // Allocates the ex_data index (once per process; call before any handshake).
    static int index();
    // The connection's Selection, or nullptr if none was made yet.
    static const Selection* find(const SSL* ssl);
    // The connection's Selection, created on first use (nullptr if out of memory).
    static Selection* get_or_create(SSL* ssl);
};

}  // namespace certa::handshake
