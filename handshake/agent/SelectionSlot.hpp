// The SSL ex_data slot that holds a connection's Selection: what the agent
// chose for its last ClientHello (or certificate callback). The SSL owns it
// and frees it with the connection (SslSlot).
#pragma once

#include "handshake/agent/Agent.hpp"
#include "handshake/agent/SslSlot.hpp"

namespace certa::handshake {

using SelectionSlot = SslSlot<Selection>;

}  // namespace certa::handshake
