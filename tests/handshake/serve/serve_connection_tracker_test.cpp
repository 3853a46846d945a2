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
