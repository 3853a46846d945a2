// The pause bookkeeping of PausedHelloSlot (see PausedHelloSlot.hpp), and
// Agent::when_loaded, which reads it.
#include "handshake/agent/PausedHelloSlot.hpp"

#include "handshake/agent/Agent.hpp"

#include <utility>

namespace certa::handshake {

bool PausedHelloSlot::pause(SSL* ssl, MaterialCache::FlightPtr flight) {
    PausedHello* slot = get_or_create(ssl);
    if (!slot) return false;
    slot->flight = std::move(flight);
    slot->paused = true;
    return true;
}

bool PausedHelloSlot::run_again(SSL* ssl) {
    PausedHello* slot = find(ssl);
    if (!slot) return false;
    slot->flight.reset();
    return slot->paused;
}

void Agent::when_loaded(SSL* ssl, std::function<void()> ready) {
    PausedHello* paused = ssl ? PausedHelloSlot::find(ssl) : nullptr;
    if (!paused || !paused->flight) return ready();  // nothing to wait for: go on at once
    // The SSL lets go of the flight: `ready` (which may hold the host's
    // connection, and so this SSL) is then held by the load alone, never in a cycle with it.
    auto flight = std::move(paused->flight);
    flight->when_done(std::move(ready));
}

}  // namespace certa::handshake
