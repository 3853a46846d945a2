// SSL ex_data slot for a paused ClientHello (see PausedHelloSlot.hpp), and
// Agent::when_loaded, which reads it.
#include "handshake/agent/PausedHelloSlot.hpp"

#include "handshake/agent/Agent.hpp"

#include <memory>
#include <utility>

namespace certa::handshake {
namespace {

void free_paused(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    std::unique_ptr<PausedHello> owned(static_cast<PausedHello*>(ptr));
}

}  // namespace

int PausedHelloSlot::index() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_paused);
    return slot;
}

PausedHello* PausedHelloSlot::find(const SSL* ssl) {
    return static_cast<PausedHello*>(SSL_get_ex_data(ssl, index()));
}

PausedHello* PausedHelloSlot::get_or_create(SSL* ssl) {
    if (auto* existing = find(ssl)) return existing;
    auto fresh = std::make_unique<PausedHello>();
    if (SSL_set_ex_data(ssl, index(), fresh.get()) != 1) return nullptr;
    return fresh.release();  // owned by the SSL now (free_paused)
}

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
