// Robustness: Pebble rejects half of all nonces (PEBBLE_WFE_NONCEREJECT=50);
// 20 issuances from one account, 4 at a time, all succeed through badNonce
// retries on the shared nonce pool.
#include "IssueFixture.hpp"

#include <doctest/doctest.h>

using namespace certa;
using certa::test::describe;
using certa::test::IssueFixture;

TEST_CASE("PEBBLE_WFE_NONCEREJECT=50: 20 issuances with --each all succeed") {
    test::PebbleOptions options;
    options.nonce_reject = 50;
    IssueFixture f(options);
    std::vector<std::string> args{"--each", "--parallel", "4"};
    for (int i = 0; i < 20; ++i) {
        args.push_back("-d");
        args.push_back("n" + std::to_string(i) + ".nonce.example");
    }
    test::RunOptions run;
    run.timeout = std::chrono::milliseconds(300000);
    auto r = f.issue(args, run);
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto store = f.open();
    for (int i = 0; i < 20; ++i) {
        const std::string name = "n" + std::to_string(i) + ".nonce.example";
        auto cert = store->find_active_certificate(name);
        CHECK_MESSAGE(cert, name);
    }
    CHECK(store->list_accounts().size() == 1);
}
