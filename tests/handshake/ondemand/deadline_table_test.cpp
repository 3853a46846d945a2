// DeadlineTable: per-entry deadlines, eviction of the entry due soonest when full.
#include "handshake/ondemand/DeadlineTable.hpp"

#include <doctest/doctest.h>

using certa::handshake::DeadlineTable;
using namespace std::chrono_literals;

TEST_CASE("each entry lives until its own deadline") {
    DeadlineTable table(10);
    const DeadlineTable::TimePoint t0{};
    table.insert("short", t0 + 5s, t0);
    table.insert("long", t0 + 50s, t0);
    CHECK(table.contains("short", t0 + 4s));
    CHECK_FALSE(table.contains("short", t0 + 5s));
    CHECK(table.contains("long", t0 + 49s));
    CHECK_FALSE(table.contains("long", t0 + 50s));
    CHECK(table.size() == 0);
}

TEST_CASE("a full table sweeps what expired, then evicts the entry due soonest, never refuses") {
    DeadlineTable table(3);
    const DeadlineTable::TimePoint t0{};
    table.insert("a", t0 + 10s, t0);
    table.insert("b", t0 + 30s, t0);
    table.insert("c", t0 + 20s, t0);
    table.insert("d", t0 + 40s, t0 + 1s);  // full, nothing expired: "a" goes
    CHECK(table.evicted() == 1);
    CHECK_FALSE(table.contains("a", t0 + 1s));
    CHECK(table.contains("b", t0 + 1s));
    CHECK(table.contains("c", t0 + 1s));
    CHECK(table.contains("d", t0 + 1s));
    table.insert("e", t0 + 60s, t0 + 25s);  // "c" expired at 20 s: swept, nothing evicted
    CHECK(table.evicted() == 1);
    CHECK(table.size() == 3);
    table.insert("b", t0 + 90s, t0 + 26s);  // re-inserting moves the deadline
    CHECK(table.contains("b", t0 + 80s));
    table.erase("b");
    CHECK_FALSE(table.contains("b", t0 + 26s));
}
