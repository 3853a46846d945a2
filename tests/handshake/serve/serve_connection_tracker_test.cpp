// ConnectionTracker: the connection limit and the drain notification.
#include "handshake/serve/ConnectionTracker.hpp"

#include <doctest/doctest.h>

#include <vector>

using certa::handshake::ConnectionTracker;

TEST_CASE("slots up to the limit, released by the tickets") {
    auto tracker = ConnectionTracker::create(2);
    auto a = tracker->try_acquire();
    auto b = tracker->try_acquire();
    REQUIRE(a);
    REQUIRE(b);
    CHECK_FALSE(tracker->try_acquire());
    CHECK(tracker->active() == 2);
    a->release();
    CHECK(tracker->active() == 1);
    a->release();  // idempotent
    CHECK(tracker->active() == 1);
    CHECK(tracker->try_acquire());  // the temporary released its slot again
    CHECK(tracker->active() == 1);
}

TEST_CASE("a limit per client: its slots come back when its tickets go; other clients are not affected") {
    auto tracker = ConnectionTracker::create(10, 2);
    auto a1 = tracker->try_acquire("192.0.2.1");
    auto a2 = tracker->try_acquire("192.0.2.1");
    REQUIRE(a1);
    REQUIRE(a2);
    CHECK_FALSE(tracker->try_acquire("192.0.2.1"));
    CHECK(tracker->active() == 2);  // the refused one holds no slot
    auto b = tracker->try_acquire("2001:db8:0:1::/64");
    CHECK(b);
    a1->release();
    CHECK(tracker->try_acquire("192.0.2.1"));
    CHECK(tracker->try_acquire());  // no client key: only the global limit
}

TEST_CASE("when_idle runs once the last connection closes, or at once") {
    auto tracker = ConnectionTracker::create(8);
    int calls = 0;
    tracker->when_idle([&] { ++calls; });
    CHECK(calls == 1);

    std::vector<ConnectionTracker::Ticket> tickets;
    tickets.push_back(std::move(*tracker->try_acquire()));
    tickets.push_back(std::move(*tracker->try_acquire()));
    tracker->when_idle([&] { ++calls; });
    tickets.pop_back();
    CHECK(calls == 1);
    tickets.pop_back();
    CHECK(calls == 2);
    auto again = tracker->try_acquire();
    again.reset();
    CHECK(calls == 2);  // ran once only

    auto held = tracker->try_acquire();
    tracker->when_idle([&] { ++calls; });
    tracker->cancel_idle_callback();
    held.reset();
    CHECK(calls == 2);
}
