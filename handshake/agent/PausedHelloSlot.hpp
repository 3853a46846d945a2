// The SSL ex_data slot of a connection whose ClientHello callback paused for
// a load (AgentOptions::pause_on_miss, SSL_CLIENT_HELLO_RETRY): the flight it
// waits for (Agent::when_loaded reads it) and that it paused, so that the
// callback's next run on this SSL neither pauses again (at most one pause a
// connection: then it loads inline or skips a broken row) nor counts the
// handshake twice. The SSL owns it and frees it with the connection; it
// holds no reference to the agent (SslSlot).
#pragma once

#include "handshake/agent/MaterialCache.hpp"
#include "handshake/agent/SslSlot.hpp"

#include <openssl/ssl.h>

namespace certa::handshake {

struct PausedHello {
    MaterialCache::FlightPtr flight;  // the load the paused ClientHello waits for (null once handed to when_loaded)
    bool paused = false;              // the callback returned SSL_CLIENT_HELLO_RETRY on this SSL
};

// index(), find() and get_or_create() from SslSlot; the pause bookkeeping here.
class PausedHelloSlot : public SslSlot<PausedHello> {
public:
    // The ClientHello callback pauses on `flight`; false (nothing kept) when out of memory.
    static bool pause(SSL* ssl, MaterialCache::FlightPtr flight);
    // At the start of a ClientHello callback: whether this SSL paused before
    // (this is the run after it); lets go of a flight when_loaded was not asked about.
    static bool run_again(SSL* ssl);
};

}  // namespace certa::handshake
