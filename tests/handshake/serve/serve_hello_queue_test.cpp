// HelloQueue (the incomplete ClientHellos, oldest evicted first) and the
// hello timeouts that shrink under pressure.
#include "handshake/serve/HelloQueue.hpp"
#include "handshake/serve/HelloTimeouts.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace certa::handshake;
using std::chrono::milliseconds;

TEST_CASE("the oldest waiting connection is evicted first; one that left is never evicted") {
    auto queue = HelloQueue::create();
    std::vector<int> evicted;
    auto first = queue->enqueue([&] { evicted.push_back(1); });
    auto second = queue->enqueue([&] { evicted.push_back(2); });
    auto third = queue->enqueue([&] { evicted.push_back(3); });
    CHECK(queue->size() == 3);
    first.leave();  // routed: its ClientHello was complete
    CHECK(queue->evict_oldest());
    CHECK(evicted == std::vector<int>{2});
    second.leave();  // leaving after an eviction changes nothing
    {
        auto fourth = queue->enqueue([&] { evicted.push_back(4); });
    }  // dropped: its entry goes with it
    CHECK(queue->evict_oldest());
    CHECK_FALSE(queue->evict_oldest());
    CHECK(evicted == std::vector<int>{2, 3});
    CHECK(queue->size() == 0);
}

TEST_CASE("an entry moved keeps its place; a reassigned one leaves") {
    auto queue = HelloQueue::create();
    int evicted = 0;
    HelloQueue::Entry kept;
    {
        auto entry = queue->enqueue([&] { ++evicted; });
        kept = std::move(entry);
    }
    CHECK(queue->size() == 1);
    kept = queue->enqueue([&] { evicted += 10; });
    CHECK(queue->size() == 1);
    CHECK(queue->evict_oldest());
    CHECK(evicted == 10);
}

TEST_CASE("hello timeouts: as configured up to half the table, then shorter, a tenth (at least 1 s) when full") {
    ServeOptions options;
    options.first_byte_timeout = milliseconds(5000);
    options.peek_timeout = milliseconds(10000);
    auto at = [&](std::size_t active) { return hello_timeouts(options, active, 1000); };
    CHECK(at(1).first_byte == milliseconds(5000));
    CHECK(at(500).whole == milliseconds(10000));
    CHECK(at(750).whole == milliseconds(5000));
    CHECK(at(750).first_byte == milliseconds(2500));
    CHECK(at(1000).whole == milliseconds(1000));
    CHECK(at(1000).first_byte == milliseconds(1000));
    CHECK(at(1500).whole == milliseconds(1000));
    // The first-byte bound never exceeds the whole; a short configured one is not raised.
    options.peek_timeout = milliseconds(800);
    CHECK(at(1).first_byte == milliseconds(800));
    CHECK(at(1000).whole == milliseconds(800));
}
