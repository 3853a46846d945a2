// What the `certa serve` daemon counts on its connection path, beside the
// Agent's own handshake outcomes (AgentStats): on-demand waits and refusals,
// connections closed before a handshake. Relaxed counters only (no lock, no
// allocation per connection); read by the metrics endpoint.
#pragma once

#include "handshake/agent/RelaxedCounter.hpp"

namespace certa::handshake {

struct ServeCounters {
    RelaxedCounter on_demand_waited;     // handshakes that waited for an on-demand certificate
    RelaxedCounter on_demand_timed_out;  //   of those: the certificate did not arrive in time
    RelaxedCounter on_demand_refused;    // the gate refused the name (policy, rate limit, full queue)
    RelaxedCounter dropped;              // closed before routing: no usable ClientHello in time
    RelaxedCounter over_limit;           // closed at once: --max-connections reached, or the client's share
    RelaxedCounter evicted;              // closed in the ClientHello wait to admit a newer one (table full)
};

}  // namespace certa::handshake
