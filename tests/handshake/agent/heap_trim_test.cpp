// HeapTrim: a trim runs only once enough was freed, and then resets the count.
#include "handshake/agent/HeapTrim.hpp"

#include <doctest/doctest.h>

using namespace certa::handshake;

TEST_CASE("the heap is trimmed once 1 MiB was noted, not before, and the count starts again") {
    (void)trim_heap_if_due();  // whatever earlier code noted
    note_large_free(512 * 1024);
    CHECK_FALSE(trim_heap_if_due());
    note_large_free(600 * 1024);
#if defined(__GLIBC__)
    CHECK(trim_heap_if_due());
#else
    CHECK_FALSE(trim_heap_if_due());
#endif
    CHECK_FALSE(trim_heap_if_due());  // nothing noted since
}
