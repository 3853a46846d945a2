// Hands free heap pages back to the kernel after the agent has freed a lot at
// once (the rows of a big index load, a PemBatch once its certificates are
// parsed). glibc keeps such pages resident inside its heap; malloc_trim()
// releases them (for 100k certificates ~0.4 KB of RSS per certificate).
//
// Frees are noted from any thread; the trim itself runs only where
// trim_heap_if_due() is called: the agent's watcher thread, never a handshake
// (malloc_trim holds the allocator's locks while it works).
#pragma once

#include <cstddef>

namespace certa::handshake {

// Counts `bytes` just freed towards the next trim.
void note_large_free(std::size_t bytes);

// Trims the heap when at least 1 MiB was noted since the last trim. Returns
// whether it did (always false where the C library has no malloc_trim).
bool trim_heap_if_due();

}  // namespace certa::handshake
