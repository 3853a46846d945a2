// RefusalLog: at most `burst` lines per interval, the rest counted.
#include "handshake/ondemand/RefusalLog.hpp"

#include <doctest/doctest.h>

using certa::handshake::RefusalLog;
using namespace std::chrono_literals;

TEST_CASE("burst lines per interval, then suppressed until the next interval") {
    RefusalLog log(3, 60s);
    const RefusalLog::TimePoint t0{};
    int written = 0;
    for (int i = 0; i < 1000; ++i) written += log.admit(t0 + std::chrono::milliseconds(i));
    CHECK(written == 3);
    CHECK(log.suppressed_total() == 997);
    log.tick(t0 + 61s);  // reports the 997 and starts a new interval
    CHECK(log.admit(t0 + 62s));
    CHECK(log.suppressed_total() == 997);
}
