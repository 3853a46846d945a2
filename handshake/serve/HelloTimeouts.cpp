#include "handshake/serve/HelloTimeouts.hpp"

#include <algorithm>

namespace certa::handshake {

namespace {

constexpr std::chrono::milliseconds kFloor{1000};

// `base` scaled by `free_part` (0..1000 per mille of the half table still free).
std::chrono::milliseconds scaled(std::chrono::milliseconds base, std::chrono::milliseconds::rep free_part) {
    const std::chrono::milliseconds tenth = std::max(base / 10, std::min(base, kFloor));
    return std::max(tenth, std::chrono::milliseconds(base.count() * free_part / 1000));
}

}  // namespace

HelloTimeouts hello_timeouts(const ServeOptions& options, std::size_t active, std::size_t limit) {
    const auto whole = options.peek_timeout;
    const auto first_byte = std::min(options.first_byte_timeout, whole);
    const std::size_t half = limit / 2;
    if (limit == 0 || active <= half) return {first_byte, whole};
    const std::size_t free = limit - std::min(active, limit);
    const auto free_part = static_cast<std::chrono::milliseconds::rep>(free * 1000 / std::max<std::size_t>(1, limit - half));
    return {scaled(first_byte, free_part), scaled(whole, free_part)};
}

}  // namespace certa::handshake
