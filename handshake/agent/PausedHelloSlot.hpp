// The SSL ex_data slot of a connection whose ClientHello callback paused for
// a load (AgentOptions::pause_on_miss, SSL_CLIENT_HELLO_RETRY): the flight it
// waits for (Agent::when_loaded reads it) and that it paused, so that the
// callback's next run on this SSL neither pauses again (at most one pause a
// connection: then it loads inline or skips a broken row) nor counts the
// handshake twice. The SSL owns it and frees it with the connection; it
// holds no reference to the agent.
#pragma once

#include "handshake/agent/MaterialCache.hpp"

#include <openssl/ssl.h>

namespace certa::handshake {

struct PausedHello {
    MaterialCache::FlightPtr flight;  // the load the paused ClientHello waits for (null once handed to when_loaded)
    bool paused = false;              // the callback returned SSL_CLIENT_HELLO_RETRY on this SSL
};

class PausedHelloSlot {
public:
    // Allocates the ex_data index (once per process; call before any handshake).
    static int index();
    // The connection's state, or nullptr if it never paused.
    static PausedHello* find(const SSL* ssl);
    // Created on first use (nullptr if out of memory).
    static PausedHello* get_or_create(SSL* ssl);
    // The ClientHello callback pauses on `flight`; false (nothing kept) when out of memory.
    static bool pause(SSL* ssl, MaterialCache::FlightPtr flight);
    // At the start of a ClientHello callback: whether this SSL paused before
    // (this is the run after it); lets go of a flight when_loaded was not asked about.
    static bool run_again(SSL* ssl);
};

}  // namespace certa::handshake
