// Per-thread memo of normalized default names (see DefaultNameMemo.hpp).
#include "handshake/agent/DefaultNameMemo.hpp"

#include "storage/names/NameNormalizer.hpp"

#include <array>
#include <cstddef>

namespace certa::handshake {

const std::string& DefaultNameMemo::normalized(const std::string& raw) {
    static const std::string none;
    if (raw.empty()) return none;
    struct Memo {
        std::string raw, normalized;
    };
    thread_local std::array<Memo, 4> memo;
    thread_local std::size_t next = 0;
    for (const Memo& m : memo)
        if (!m.raw.empty() && m.raw == raw) return m.normalized;
    Memo& slot = memo[next];
    next = (next + 1) % memo.size();
    slot.raw = raw;
    auto n = storage::normalize_server_name(raw);
    slot.normalized = n ? n->name : std::string();
    return slot.normalized;
}

}  // namespace certa::handshake
