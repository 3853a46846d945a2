// kill -9 of `certa renew` at random points: the store stays intact, every
// name keeps exactly one active certificate (the old one until the new one is
// complete), and a rerun converges.
#include "renew_fixture.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <random>

using namespace certa::test;
using namespace certa::test::renew;

namespace {

void check_one_active_each(Fixture& f, const std::vector<std::string>& names) {
    for (const auto& name : names) {
        certa::storage::CertificateFilter filter;
        filter.name = name;
        const auto active = f.store->list_certificates(filter);
        CHECK_MESSAGE(active.size() == 1, name);
        if (active.size() == 1) CHECK(active.front().not_after > now_s());
    }
}

}  // namespace

TEST_CASE("kill -9 at random points: integrity, one active certificate per name, a rerun converges") {
    Fixture f;
    const std::vector<std::string> names{"k1.renew.test", "k2.renew.test", "k3.renew.test"};
    auto issued = f.issue(names, {"--each"});
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    REQUIRE(f.active().size() == 3);

    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay_ms(0, 1500);
    const int trials = 12;
    const auto budget = std::chrono::steady_clock::now() + std::chrono::seconds(200);
    int done = 0;
    for (int i = 0; i < trials && std::chrono::steady_clock::now() < budget; ++i, ++done) {
        Background renewer({certa_bin(), "--store", f.db(), "renew", "--days", "36500", "--lease-ttl", "3"});
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        renewer.stop(SIGKILL);
        CHECK(f.store->integrity_check() == "ok");
        check_one_active_each(f, names);
        // A killed renewer's leases run out after --lease-ttl (whole seconds).
        std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    }
    CHECK(done >= 10);
    // Lease expiry has one-second granularity: let the last killed renewer's leases lapse.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));

    auto rerun = f.renew({"--days", "36500", "--lease-ttl", "3"});
    CHECK_MESSAGE(rerun.exit_code == 0, (rerun.out + rerun.err));
    CHECK(f.store->integrity_check() == "ok");
    check_one_active_each(f, names);
    // Every certificate the rerun saw was renewed by it (nothing left half-done).
    for (const auto& name : names) CHECK_MESSAGE(rerun.out.find(name + ": renewed") != std::string::npos, rerun.out);
}
