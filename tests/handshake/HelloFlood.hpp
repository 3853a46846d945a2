// A loopback flood of ClientHellos for the on-demand flood tests: each
// connection comes from `source` (any 127.0.0.0/8 address, so the tests can
// tell flooding and legitimate clients apart), sends one ClientHello with the
// given SNI, half-closes, and reads until serve closes (bounded: 5 s each).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace certa::test {

struct FloodResult {
    int sent = 0;       // ClientHellos written
    int closed = 0;     // connections serve closed (an alert, or nothing)
    double seconds = 0;
};

// `count` connections over `threads` threads; `sni(i)` names connection i.
FloodResult flood_client_hellos(std::uint16_t port, const std::string& source, int count, int threads,
                                const std::function<std::string(int)>& sni);

// One such connection; true when serve closed it within 5 s.
bool send_client_hello(std::uint16_t port, const std::string& source, const std::string& sni);

}  // namespace certa::test
