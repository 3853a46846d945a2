// The benchmark's clients: threads making full TLS 1.3 handshakes (no
// session resumption) to one loopback port, each with a random SNI out of
// names h0..h(N-1).bench.test, and checking that the served leaf is for that
// name (X509_check_host). Bounded by time and by count.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace certa::bench {

struct PoolResult {
    long handshakes = 0;   // completed, leaf checked
    long failures = 0;     // connect or handshake failed
    long wrong_leaf = 0;   // handshake done, leaf not for the SNI
    double seconds = 0;
    std::vector<double> latencies_us;  // per good handshake: connect .. handshake done
};

class HandshakePool {
public:
    HandshakePool(std::size_t names, int threads);
    ~HandshakePool();
    HandshakePool(const HandshakePool&) = delete;
    HandshakePool& operator=(const HandshakePool&) = delete;

    // Runs `threads` clients against 127.0.0.1:port for `duration` (and at
    // most max_per_thread handshakes each).
    PoolResult run(std::uint16_t port, std::chrono::milliseconds duration, long max_per_thread = 1000000);

    // One handshake for a random name; true when it succeeded with the right leaf.
    bool probe(std::uint16_t port);

private:
    struct Impl;
    Impl* impl_;
};

double percentile(std::vector<double> values, double p);

}  // namespace certa::bench
