// How long a new connection may take to send its ClientHello. Under pressure
// (the connection table more than half full) both bounds shrink with the free
// slots, down to a tenth at a full table (never below 1 s, nor above the
// configured value): stalled hellos then give their slots back sooner, as
// haproxy's and nginx's shorter timeouts under load do.
#pragma once

#include "handshake/serve/ServeOptions.hpp"

#include <chrono>
#include <cstddef>

namespace certa::handshake {

struct HelloTimeouts {
    std::chrono::milliseconds first_byte;  // until the first byte
    std::chrono::milliseconds whole;       // until the whole ClientHello (from the accept)
};

// `active` connections open (this one included) out of `limit`.
HelloTimeouts hello_timeouts(const ServeOptions& options, std::size_t active, std::size_t limit);

}  // namespace certa::handshake
