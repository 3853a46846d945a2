// MaterialCache and its parts on their own (no store, no TLS): the loader is
// a function over in-memory rows. CLOCK eviction order and the bound, single
// flight (N threads miss one id: one load), other ids never wait on a slow
// load, the bounded negative cache (100k broken ids), the rate-limited error
// log, NegativeCache's retry time, get_or_start on a LoaderPool (the
// pause_on_miss path: never blocks, one load per id, when_done callbacks), and
// warm() never evicting what handshakes loaded.
#include "handshake/agent/ClockRing.hpp"
#include "handshake/agent/LoadErrorLog.hpp"
#include "handshake/agent/LoaderPool.hpp"
#include "handshake/agent/MaterialCache.hpp"
#include "handshake/agent/NegativeCache.hpp"
#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using namespace certa::handshake;
using Loaded = MaterialCache::Loaded;
using namespace std::chrono_literals;

namespace {

// One parsed certificate every id shares (the cache does not look inside).
std::shared_ptr<const CertMaterial> sample() {
    static const auto material = [] {
        const auto cert = certa::test::make_self_signed({"cache.test"});
        return parse_cert_material(cert.chain_pem, cert.key_pem, KeyAlgorithm::EcdsaP256);
    }();
    return material;
}

std::shared_ptr<const CertMaterial> fresh() {
    auto copy = std::make_shared<CertMaterial>();
    return copy;  // distinct pointer, enough for identity checks
}

IndexRecord rec(std::int64_t id) { return IndexRecord{id, 0, 1, KeyAlgorithm::EcdsaP256}; }

}  // namespace

TEST_CASE("ClockRing: a referenced entry gets a second chance; the bound holds") {
    ClockRing ring(3);
    for (std::int64_t id : {1, 2, 3}) CHECK_FALSE(ring.insert(id, fresh()));
    CHECK(ring.full());
    REQUIRE(ring.find(1));          // 1 referenced
    CHECK(ring.insert(4, fresh()));  // sweeps past 1, evicts 2
    CHECK(ring.find(1));
    CHECK_FALSE(ring.find(2));
    CHECK(ring.find(3));
    CHECK(ring.find(4));
    CHECK(ring.size() == 3);
    // Everything referenced: one full turn clears the bits, then the hand's entry goes.
    CHECK(ring.insert(5, fresh()));
    CHECK(ring.size() == 3);
    CHECK(ring.erase(5));
    CHECK(ring.size() == 2);
    CHECK_FALSE(ring.insert(6, fresh()));  // the freed slot, no eviction
    CHECK(ring.size() == 3);

    ClockRing unbounded(0);
    for (std::int64_t id = 1; id <= 1000; ++id) CHECK_FALSE(unbounded.insert(id, fresh()));
    CHECK(unbounded.size() == 1000);
    CHECK_FALSE(unbounded.full());
}

TEST_CASE("MaterialCache: parsed never above the bound under a sweep of more ids than it holds") {
    std::atomic<int> loads{0};
    MaterialCache::Options options;
    options.capacity = 10;
    MaterialCache cache([&](const IndexRecord&) {
        ++loads;
        return Loaded{Loaded::Result::Ok, sample(), {}};
    }, options);
    for (int round = 0; round < 3; ++round)
        for (std::int64_t id = 1; id <= 1000; ++id) {
            REQUIRE(cache.get(rec(id)));
            REQUIRE(cache.stats().parsed <= 10);
        }
    const auto s = cache.stats();
    CHECK(s.parsed == 10);
    CHECK(s.loads == 3000);
    CHECK(s.evictions == 3000 - 10);
    // A hot id used between misses stays.
    MaterialCache hot([&](const IndexRecord&) { return Loaded{Loaded::Result::Ok, sample(), {}}; }, options);
    for (std::int64_t id = 100; id < 400; ++id) {
        REQUIRE(hot.get(rec(1)));
        REQUIRE(hot.get(rec(id)));
    }
    const auto before = hot.stats().loads;
    CHECK(hot.get(rec(1)));
    CHECK(hot.stats().loads == before);  // a hit
    CHECK(hot.stats().hits >= 299);
}

TEST_CASE("MaterialCache: concurrent misses for one id share one load; other ids do not wait for it") {
    std::atomic<int> slow_loads{0}, fast_loads{0};
    std::atomic<bool> release{false};
    MaterialCache cache([&](const IndexRecord& r) {
        if (r.id == 1) {
            ++slow_loads;
            for (int i = 0; i < 500 && !release; ++i) std::this_thread::sleep_for(10ms);  // bounded: 5 s
        } else {
            ++fast_loads;
        }
        return Loaded{Loaded::Result::Ok, r.id == 1 ? sample() : fresh(), {}};
    }, MaterialCache::Options{});
    constexpr int kThreads = 8;
    std::vector<std::shared_ptr<const CertMaterial>> got(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back([&, t] { got[t] = cache.get(rec(1)); });
    // Wait (bounded) until every thread is in: one loading, the others waiting on it.
    for (int i = 0; i < 500 && cache.stats().misses < kThreads; ++i) std::this_thread::sleep_for(10ms);
    CHECK(cache.stats().misses == kThreads);
    // Meanwhile another id loads and is served at once.
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(cache.get(rec(2)));
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
    CHECK(fast_loads == 1);
    release = true;
    for (auto& t : threads) t.join();
    CHECK(slow_loads == 1);
    CHECK(cache.stats().loads == 2);
    CHECK(cache.stats().shared_waits == kThreads - 1);
    for (const auto& m : got) CHECK(m == sample());
}

TEST_CASE("MaterialCache::warm takes only free room: a warm load that ends in a full cache evicts nothing") {
    // Capacity 1; id 1's load (the pre-parse's) is held until released, id 2 loads at once.
    struct Slow {
        std::atomic<bool> started{false}, release{false};
    };
    auto make = [](Slow& slow) {
        MaterialCache::Options options;
        options.capacity = 1;
        return std::make_unique<MaterialCache>([&slow](const IndexRecord& r) {
            if (r.id == 1) {
                slow.started = true;
                for (int i = 0; i < 500 && !slow.release; ++i) std::this_thread::sleep_for(10ms);  // bounded: 5 s
            }
            return Loaded{Loaded::Result::Ok, fresh(), {}};
        }, options);
    };
    auto wait_started = [](Slow& slow) {
        for (int i = 0; i < 500 && !slow.started; ++i) std::this_thread::sleep_for(10ms);
        return slow.started.load();
    };

    SUBCASE("a handshake filled the cache meanwhile: its certificate stays, the warm one is dropped") {
        Slow slow;
        auto cache = make(slow);
        std::thread warmer([&] { cache->warm(rec(1)); });  // the cache has room when it starts
        REQUIRE(wait_started(slow));
        const auto served = cache->get(rec(2));  // a handshake's load takes the one place
        REQUIRE(served);
        slow.release = true;
        warmer.join();
        CHECK(cache->held(2) == served);
        CHECK_FALSE(cache->held(1));
        CHECK(cache->stats().parsed == 1);
        CHECK(cache->stats().evictions == 0);
    }
    SUBCASE("a handshake joined the warm load: it is a handshake's load, kept") {
        Slow slow;
        auto cache = make(slow);
        std::thread warmer([&] { cache->warm(rec(1)); });
        REQUIRE(wait_started(slow));
        REQUIRE(cache->get(rec(2)));
        std::shared_ptr<const CertMaterial> joined;
        std::thread handshake([&] { joined = cache->get(rec(1)); });
        for (int i = 0; i < 500 && cache->stats().shared_waits == 0; ++i) std::this_thread::sleep_for(10ms);
        CHECK(cache->stats().shared_waits == 1);
        slow.release = true;
        warmer.join();
        handshake.join();
        REQUIRE(joined);
        CHECK(cache->held(1) == joined);
        CHECK_FALSE(cache->held(2));  // evicted by CLOCK, the bound holds
        CHECK(cache->stats().parsed == 1);
        CHECK(cache->stats().evictions == 1);
    }
}

TEST_CASE("MaterialCache: a broken row is loaded once, skipped meanwhile and reported once") {
    std::vector<std::string> reports;
    std::mutex reports_mutex;
    MaterialCache::Options options;
    options.negative_capacity = 100;
    options.on_error = [&](std::int64_t, const std::string& message) {
        std::lock_guard lock(reports_mutex);
        reports.push_back(message);
    };
    std::atomic<int> loads{0};
    MaterialCache cache([&](const IndexRecord& r) {
        ++loads;
        if (r.id == 7) throw std::runtime_error("database is locked");
        return Loaded{Loaded::Result::Broken, nullptr, "its chain does not parse"};
    }, options);
    for (int i = 0; i < 5; ++i) CHECK_FALSE(cache.get(rec(5)));
    CHECK(loads == 1);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0] == "certificate row 5: its chain does not parse");
    CHECK_FALSE(cache.get(rec(7)));  // a thrown store error is "unavailable", not a crash
    CHECK(reports.size() == 2);
    CHECK(reports[1].find("database is locked") != std::string::npos);
    CHECK(cache.stats().load_failures == 2);

    // 100k distinct broken ids: the negative cache stays at its bound, the log at its rate.
    for (std::int64_t id = 1000; id < 101000; ++id) CHECK_FALSE(cache.get(rec(id)));
    CHECK(cache.stats().negative <= 100);
    CHECK(cache.stats().parsed == 0);
    CHECK(reports.size() <= 10);
    // Forgetting an id (its row left the index) drops its negative entry too.
    cache.erase(100999);
    CHECK(cache.stats().negative <= 99);
}

TEST_CASE("NegativeCache: held until the retry time, bounded by count") {
    NegativeCache negative(3);
    const auto now = NegativeCache::Clock::now();
    CHECK(negative.add(1, now + 50ms));
    CHECK_FALSE(negative.add(1, now + 50ms));  // already held
    CHECK(negative.blocked(1, now));
    CHECK_FALSE(negative.blocked(1, now + 60ms));  // retry time came: dropped
    CHECK(negative.size() == 0);
    for (std::int64_t id = 10; id < 20; ++id) negative.add(id, now + 1h);
    CHECK(negative.size() == 3);
    CHECK(negative.blocked(19, now));
    CHECK_FALSE(negative.blocked(10, now));  // the oldest went first
}

TEST_CASE("LoadErrorLog: at most `burst` reports per window, then a count of those left out") {
    std::vector<std::string> lines;
    LoadErrorLog log([&](std::int64_t, const std::string& m) { lines.push_back(m); }, 3, std::chrono::seconds(1));
    for (int i = 0; i < 10; ++i) log.report(i, "row " + std::to_string(i));
    CHECK(lines.size() == 3);
    CHECK(log.suppressed() == 7);
    std::this_thread::sleep_for(1100ms);
    log.report(99, "row 99");
    REQUIRE(lines.size() == 4);
    CHECK(lines.back() == "row 99 (7 similar reports left out)");
    LoadErrorLog silent({});  // no sink: counted only
    silent.report(1, "x");
    CHECK(silent.suppressed() == 1);
}

TEST_CASE("MaterialCache::get_or_start: never waits; one load per id on the pool; when_done runs once it is done") {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;  // ids 1 and 2 load only once the test opens the gate
    std::atomic<int> loads{0};
    LoaderPool pool(1, 1);  // one thread, one queued job at most
    MaterialCache::Options o;
    o.capacity = 100;
    o.pool = &pool;
    MaterialCache cache(
        [&](const IndexRecord& r) {
            ++loads;
            if (r.id <= 2) {
                std::unique_lock lock(m);
                cv.wait_for(lock, 10s, [&] { return open; });  // bounded
            }
            return Loaded{Loaded::Result::Ok, sample(), {}};
        },
        o);

    const auto first = cache.get_or_start(rec(1));
    REQUIRE(first.pending);
    CHECK_FALSE(first.material);
    const auto joined = cache.get_or_start(rec(1));
    CHECK(joined.pending == first.pending);  // the same flight: one load
    std::atomic<int> fired{0};
    first.pending->when_done([&] { ++fired; });
    joined.pending->when_done([&] { ++fired; });
    for (int i = 0; i < 1000 && loads < 1; ++i) std::this_thread::sleep_for(5ms);  // the thread took id 1
    REQUIRE(loads == 1);
    const auto queued = cache.get_or_start(rec(2));  // the one queue slot
    REQUIRE(queued.pending);
    const auto inline_load = cache.get_or_start(rec(3));  // queue full: loaded on this thread
    CHECK_FALSE(inline_load.pending);
    CHECK(inline_load.material);
    CHECK(fired == 0);

    {
        std::lock_guard lock(m);
        open = true;
    }
    cv.notify_all();
    for (int i = 0; i < 1000 && fired < 2; ++i) std::this_thread::sleep_for(5ms);  // bounded: 5 s
    CHECK(fired == 2);
    CHECK(cache.get(rec(1)));  // a hit now
    int at_once = 0;
    first.pending->when_done([&] { ++at_once; });  // already done: runs here, now
    CHECK(at_once == 1);
    for (int i = 0; i < 1000 && !cache.get_or_start(rec(2)).material; ++i) std::this_thread::sleep_for(5ms);
    pool.stop();
    const auto s = cache.stats();
    CHECK(loads == 3);
    CHECK(s.loads == 3);
    CHECK(s.shared_waits == 1);
    CHECK(s.parsed == 3);
    // A stopped pool takes nothing: the miss loads inline.
    const auto after_stop = cache.get_or_start(rec(4));
    CHECK_FALSE(after_stop.pending);
    CHECK(after_stop.material);
}
