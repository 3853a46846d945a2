#include "handshake/agent/LoadErrorLog.hpp"

namespace certa::handshake {

LoadErrorLog::LoadErrorLog(Sink sink, unsigned burst, std::chrono::seconds window)
    : sink_(std::move(sink)), burst_(burst), window_(window) {}

void LoadErrorLog::report(std::int64_t id, const std::string& message) {
    std::uint64_t left_out = 0;
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (now - window_start_ >= window_) {
            window_start_ = now;
            in_window_ = 0;
        }
        if (in_window_ >= burst_ || !sink_) {
            ++pending_suppressed_;
            ++suppressed_;
            return;
        }
        ++in_window_;
        left_out = pending_suppressed_;
        pending_suppressed_ = 0;
    }
    std::string line = message;
    if (left_out > 0) line += " (" + std::to_string(left_out) + " similar reports left out)";
    try {
        sink_(id, line);
    } catch (...) {
        // A failing log sink changes nothing for the handshake.
    }
}

std::uint64_t LoadErrorLog::suppressed() const {
    std::lock_guard lock(mutex_);
    return suppressed_;
}

}  // namespace certa::handshake
