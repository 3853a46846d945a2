// Reports certificate rows that fail to load or parse on a cache miss to the
// host's log callback (AgentOptions::on_load_error), rate-limited: at most
// `burst` reports per `window`; the rest are counted and the next report
// that gets through says how many were left out. (Each id is reported once
// per negative-cache period by its caller, MaterialCache.) Thread-safe; the
// callback runs outside the lock, and whatever it throws is ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace certa::handshake {

class LoadErrorLog {
public:
    using Sink = std::function<void(std::int64_t id, const std::string& message)>;
    explicit LoadErrorLog(Sink sink, unsigned burst = 10, std::chrono::seconds window = std::chrono::seconds(60));

    void report(std::int64_t id, const std::string& message);
    std::uint64_t suppressed() const;

private:
    Sink sink_;
    const unsigned burst_;
    const std::chrono::seconds window_;
    mutable std::mutex mutex_;
    std::chrono::steady_clock::time_point window_start_{};
    unsigned in_window_ = 0;
    std::uint64_t pending_suppressed_ = 0;
    std::uint64_t suppressed_ = 0;
};

}  // namespace certa::handshake
