// Leases under real contention: forked processes race for one name and
// exactly one wins; expired leases are taken over with a larger fencing
// token; a stale token can neither renew, release nor write.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <set>

using namespace certa::storage;
using certa::test::StoreBackend;

namespace {

constexpr int kRacers = 10;
constexpr int kWon = 10, kLost = 11, kFailed = 12;

// Child body: open the store, wait for the start signal, race once.
[[noreturn]] void racer(const std::string& path, int start_fd, int index) {
    int code = kFailed;
    try {
        auto store = open_store(path, StoreBackend::options());
        char go = 0;
        if (::read(start_fd, &go, 1) == 0) {  // EOF: the parent closed the pipe
            auto grant = store->acquire_lease("race.example", "racer-" + std::to_string(index), 60);
            code = grant.acquired ? kWon : kLost;
        }
    } catch (...) {
        code = kFailed;
    }
    ::_exit(code);
}

// A lease granted twice: `stale` expired at once and `current` took it over.
struct TakenOver {
    LeaseGrant stale, current;
};
TakenOver take_over(Store& store, const std::string& name) {
    TakenOver out{store.acquire_lease(name, "old", 0), store.acquire_lease(name, "new", 60)};
    REQUIRE(out.stale.acquired);
    REQUIRE(out.current.acquired);
    return out;
}

}  // namespace

TEST_CASE("racing processes: exactly one acquires the lease") {
    StoreBackend backend;
    std::string path = backend.location();
    open_store(path, StoreBackend::options());  // created (and migrated) before the race
    int start[2];
    REQUIRE(::pipe(start) == 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kRacers; ++i) {
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(start[1]);
            racer(path, start[0], i);
        }
        children.push_back(pid);
    }
    ::close(start[0]);
    ::close(start[1]);  // every child reads EOF at once
    int won = 0, lost = 0;
    for (pid_t pid : children) {
        int code = certa::test::wait_child(pid);
        won += code == kWon;
        lost += code == kLost;
    }
    CHECK(won == 1);
    CHECK(lost == kRacers - 1);

    auto store = open_store(path, StoreBackend::options());
    auto late = store->acquire_lease("race.example", "late", 60);
    CHECK_FALSE(late.acquired);
    CHECK(late.holder.rfind("racer-", 0) == 0);
    CHECK(late.expires > 0);
}

TEST_CASE("an expired lease is taken over and the fencing token grows") {
    StoreBackend backend;
    auto store = backend.open();
    auto first = store->acquire_lease("a.example", "one", 0);  // expires at once
    REQUIRE(first.acquired);
    CHECK(first.token > 0);
    auto second = store->acquire_lease("a.example", "two", 60);
    REQUIRE(second.acquired);
    CHECK(second.token > first.token);
    auto third = store->acquire_lease("a.example", "three", 60);
    CHECK_FALSE(third.acquired);
    CHECK(third.holder == "two");
    CHECK(third.expires == second.expires);

    // Tokens come from one store-wide counter: other names draw larger ones too.
    auto other = store->acquire_lease("b.example", "one", 60);
    REQUIRE(other.acquired);
    CHECK(other.token > second.token);
    std::set<std::int64_t> tokens{first.token, second.token, other.token};
    CHECK(tokens.size() == 3);
}

TEST_CASE("renew and release check the token") {
    StoreBackend backend;
    auto store = backend.open();
    auto [stale, current] = take_over(*store, "c.example");
    CHECK_FALSE(store->renew_lease("c.example", stale.token, 60));
    CHECK_FALSE(store->release_lease("c.example", stale.token));
    CHECK_FALSE(store->release_lease("other.example", current.token));
    CHECK(store->renew_lease("c.example", current.token, 120));
    CHECK_FALSE(store->acquire_lease("c.example", "third", 60).acquired);
    CHECK(store->release_lease("c.example", current.token));
    CHECK_FALSE(store->release_lease("c.example", current.token));
    auto after = store->acquire_lease("c.example", "third", 60);
    CHECK(after.acquired);
    CHECK(after.token > current.token);
}

TEST_CASE("a certificate put fenced by a stale lease is refused; by the current one it is stored") {
    StoreBackend backend;
    auto store = backend.open();
    auto [stale, current] = take_over(*store, "fence.example");
    auto input = certa::test::input_for(certa::test::make_self_signed({"fence.example"}));

    input.fence = LeaseFence{"fence.example", stale.token};
    try {
        store->put_certificate(input);
        FAIL("a stale fence was accepted");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreError::Kind::Fenced);
    }
    CHECK(store->list_certificates({true, ""}).empty());
    CHECK(store->current_generation() == 0);

    input.fence = LeaseFence{"fence.example", current.token};
    CHECK(store->put_certificate(input) > 0);

    REQUIRE(store->release_lease("fence.example", current.token));
    CHECK_THROWS_AS(store->put_certificate(input), StoreError);  // released: no longer held
}
