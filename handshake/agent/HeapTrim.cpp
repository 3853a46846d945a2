#include "handshake/agent/HeapTrim.hpp"

#include <atomic>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace certa::handshake {
namespace {

constexpr std::size_t kTrimThreshold = std::size_t{1} << 20;
std::atomic<std::size_t> noted{0};

}  // namespace

void note_large_free(std::size_t bytes) { noted.fetch_add(bytes, std::memory_order_relaxed); }

bool trim_heap_if_due() {
    if (noted.load(std::memory_order_relaxed) < kTrimThreshold) return false;
    noted.store(0, std::memory_order_relaxed);
#if defined(__GLIBC__)
    (void)malloc_trim(0);
    return true;
#else
    return false;
#endif
}

}  // namespace certa::handshake
