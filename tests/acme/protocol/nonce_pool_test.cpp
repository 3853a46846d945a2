#include "acme/protocol/NoncePool.hpp"

#include <doctest/doctest.h>

#include <set>
#include <thread>
#include <vector>

using certa::acme::NoncePool;

TEST_CASE("take returns nonces once, newest first, and nullopt when empty") {
    NoncePool pool;
    CHECK_FALSE(pool.take());
    pool.add("aaa");
    pool.add("bbb");
    CHECK(pool.size() == 2);
    CHECK(pool.take() == std::optional<std::string>("bbb"));
    CHECK(pool.take() == std::optional<std::string>("aaa"));
    CHECK_FALSE(pool.take());
}

TEST_CASE("invalid nonces are ignored and capacity is bounded") {
    NoncePool pool(3);
    pool.add("");
    pool.add("has space");
    pool.add("padding==");
    pool.add(std::string(1000, 'a'));
    CHECK(pool.size() == 0);
    for (const char* n : {"n1", "n2", "n3", "n4"}) pool.add(n);
    CHECK(pool.size() == 3);
    std::set<std::string> got;
    while (auto n = pool.take()) got.insert(*n);
    CHECK(got == std::set<std::string>{"n2", "n3", "n4"});
}

TEST_CASE("concurrent add/take never hands out a nonce twice") {
    NoncePool pool(100000);
    constexpr int kThreads = 4, kEach = 2000;
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t)
        producers.emplace_back([&pool, t] {
            for (int i = 0; i < kEach; ++i) pool.add("t" + std::to_string(t) + "_" + std::to_string(i));
        });
    std::vector<std::vector<std::string>> taken(kThreads);
    std::vector<std::thread> consumers;
    for (int t = 0; t < kThreads; ++t)
        consumers.emplace_back([&pool, &taken, t] {
            for (int i = 0; i < kEach * 2; ++i)
                if (auto n = pool.take()) taken[t].push_back(*n);
        });
    for (auto& p : producers) p.join();
    for (auto& c : consumers) c.join();
    std::set<std::string> all;
    size_t count = 0;
    for (auto& v : taken) {
        count += v.size();
        all.insert(v.begin(), v.end());
    }
    while (auto n = pool.take()) {
        ++count;
        all.insert(*n);
    }
    CHECK(count == kThreads * kEach);
    CHECK(all.size() == count);
}
