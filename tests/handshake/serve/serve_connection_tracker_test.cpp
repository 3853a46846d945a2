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

TEST_CASE("the share per client shrinks as the table fills, never below an eighth of the cap, nor 8") {
    auto tracker = ConnectionTracker::create(1024, 128);
    CHECK(tracker->client_share(0) == 128);
    CHECK(tracker->client_share(512) == 64);
    CHECK(tracker->client_share(1000) == 16);  // 3 by the formula, 128 / 8 at least
    CHECK(tracker->client_share(1024) == 16);
    CHECK(tracker->client_share(5000) == 16);  // over the limit while evictions are under way
    CHECK(ConnectionTracker::create(10, 2)->client_share(9) == 2);     // a cap below 8 is its own floor
    CHECK(ConnectionTracker::create(256, 16)->client_share(256) == 8);
    // One client alone cannot take the table: it stops where its share meets what it holds.
    std::vector<ConnectionTracker::Ticket> held;
    for (int i = 0; i < 200; ++i) {
        auto ticket = tracker->try_acquire("192.0.2.1");
        if (!ticket) break;
        held.push_back(std::move(*ticket));
    }
    CHECK(held.size() == 114);  // 128 * (1024 - 114) / 1024 rounds up to 114
    // 64 clients: each gets what the filling table still grants, the table holds them all.
    auto many = ConnectionTracker::create(256, 16);
    std::vector<ConnectionTracker::Ticket> tickets;
    for (int c = 0; c < 64; ++c)
        for (int i = 0; i < 16; ++i)
            if (auto t = many->try_acquire("192.0.2." + std::to_string(c))) tickets.push_back(std::move(*t));
    CHECK(many->active() == 256);
    CHECK(many->try_acquire("198.51.100.1") == std::nullopt);  // full, and nothing to make room
}

TEST_CASE("a full table admits a new connection when make_room evicts one; not when it cannot") {
    auto tracker = ConnectionTracker::create(2, 2);
    auto a = tracker->try_acquire("192.0.2.1");
    auto b = tracker->try_acquire("192.0.2.2");
    int asked = 0;
    auto evicting = [&] { return ++asked > 0; };
    auto c = tracker->try_acquire("192.0.2.3", evicting);
    CHECK(c);
    CHECK(asked == 1);
    CHECK(tracker->active() == 3);  // over by the one on its way out
    b.reset();                      // ... which then goes
    CHECK(tracker->active() == 2);
    CHECK_FALSE(tracker->try_acquire("192.0.2.4", [] { return false; }));
    // make_room is not asked while there is room, nor for a client over its share.
    auto room = ConnectionTracker::create(4, 1);
    auto d = room->try_acquire("192.0.2.1", [&] { return ++asked > 0; });
    CHECK(d);
    CHECK_FALSE(room->try_acquire("192.0.2.1", [&] { return ++asked > 0; }));
    CHECK(asked == 1);
}
