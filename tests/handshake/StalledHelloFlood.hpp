// Holds stalled ClientHellos on `certa serve` (issue #21): connections from
// many loopback source addresses, each sent all but the last byte of a
// ClientHello of a chosen size, then nothing. A keeper thread re-opens the
// ones serve closes (timeouts, evictions, refusals), as a real flooder
// would, at a bounded rate and for a bounded time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace certa::test {

struct StalledHelloOptions {
    std::uint16_t port = 0;                  // serve on 127.0.0.1
    std::vector<std::string> sources;        // 127.x.y.z source addresses
    int per_source = 16;                     // connections each source tries to hold
    std::size_t hello_bytes = 2000;          // size of the ClientHello (all but its last byte is sent)
    std::chrono::milliseconds round{100};    // the keeper's pace
    int reopen_per_round = 32;               // re-opened connections per round at most
    std::chrono::seconds lifetime{300};      // the keeper stops after this anyway
};

// "127.0.0.FIRST" ... for `count` addresses (FIRST + count - 1 <= 254).
std::vector<std::string> loopback_sources(int first, int count);

// Raises RLIMIT_NOFILE's soft limit towards `wanted` (at most the hard limit);
// returns the soft limit in force afterwards.
long raise_fd_limit(long wanted);

class StalledHelloFlood {
public:
    // Opens every connection (each source in turn), then starts the keeper.
    explicit StalledHelloFlood(StalledHelloOptions options);
    ~StalledHelloFlood();  // stops the keeper, closes everything
    StalledHelloFlood(const StalledHelloFlood&) = delete;
    StalledHelloFlood& operator=(const StalledHelloFlood&) = delete;

    // Connections open and not seen closed by serve (as of the keeper's last round).
    int open() const { return open_.load(); }
    // Connections serve closed so far (each re-opened when the pace allows).
    int closed_by_server() const { return closed_.load(); }
    // Waits (bounded by `timeout`) until open() stays at or above `at_least` for two rounds.
    bool wait_holding(int at_least, std::chrono::milliseconds timeout) const;

private:
    struct Slot {
        int fd = -1;
        std::size_t source = 0;
    };
    int connect_one(std::size_t source) const;
    void keep();

    const StalledHelloOptions options_;
    std::string partial_;  // the bytes each connection sends
    std::vector<Slot> slots_;  // only the keeper touches them once it runs
    std::atomic<int> open_{0};
    std::atomic<int> closed_{0};
    std::atomic<bool> stop_{false};
    std::thread keeper_;
};

}  // namespace certa::test
