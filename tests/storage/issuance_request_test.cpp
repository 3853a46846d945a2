// issuance_requests (certa serve --on-demand): one row per name however often
// it is asked for, visible to other connections, back-off after failures,
// removed when fulfilled. Runs against SQLite and PostgreSQL (StoreBackend).
#include "StoreBackend.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <ctime>

using certa::test::StoreBackend;

TEST_CASE("a name is requested once however often it is asked for") {
    StoreBackend backend;
    auto a = backend.open();
    auto b = backend.open();
    CHECK(a->request_issuance("one.example", "issue"));
    CHECK_FALSE(a->request_issuance("one.example", "issue"));
    CHECK_FALSE(b->request_issuance("one.example", "renew"));
    CHECK(b->request_issuance("two.example", "renew"));
    auto due = b->due_issuance_requests(0);
    REQUIRE(due.size() == 2);
    CHECK(due[0].name == "one.example");
    CHECK(due[0].reason == "issue");
    CHECK(due[1].reason == "renew");
    CHECK(a->due_issuance_requests(1).size() == 1);
}

TEST_CASE("a failed request waits for its back-off, a finished one is gone") {
    StoreBackend backend;
    auto store = backend.open();
    REQUIRE(store->request_issuance("fail.example", "issue"));
    std::int64_t later = certa::storage::unix_now() + 3600;
    CHECK(store->fail_issuance_request("fail.example", "rejected by CA", later));
    CHECK(store->due_issuance_requests(0).empty());
    CHECK_FALSE(store->request_issuance("fail.example", "issue"));  // still one row
    CHECK(store->fail_issuance_request("fail.example", "again", 0));
    auto due = store->due_issuance_requests(0);
    REQUIRE(due.size() == 1);
    CHECK(due[0].attempts == 2);
    CHECK(due[0].last_error == "again");
    CHECK(store->finish_issuance_request("fail.example"));
    CHECK_FALSE(store->finish_issuance_request("fail.example"));
    CHECK(store->due_issuance_requests(0).empty());
    CHECK_FALSE(store->fail_issuance_request("fail.example", "gone", 0));
}
