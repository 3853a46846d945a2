// Four `certa renew` processes at once on one store with 20 due certificates:
// leases plus the re-read under the lease make every certificate renewed
// exactly once.
#include "renew_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>

using namespace certa::test;
using namespace certa::test::renew;
using certa::storage::CertificateStatus;

namespace {

int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("4 concurrent renewers, 20 due certificates: each renewed exactly once") {
    Fixture f(lifetime(40));
    std::vector<std::string> names;
    for (int i = 0; i < 20; ++i) names.push_back("c" + std::to_string(i) + ".renew.test");
    auto issued = f.issue(names, {"--each", "--parallel", "4"});
    REQUIRE_MESSAGE(issued.exit_code == 0, (issued.out + issued.err));
    const auto originals = f.active();
    REQUIRE(originals.size() == 20);

    // Due once half of the 40 s lifetime has passed (the jitter only makes it earlier).
    certa::storage::UnixTime due = 0;
    for (const auto& c : originals) due = std::max(due, c.not_before + (c.not_after - c.not_before) / 2);
    sleep_until_unix(due + 1);

    std::vector<RunResult> results(4);
    {
        std::vector<std::jthread> runners;
        for (int i = 0; i < 4; ++i) runners.emplace_back([&, i] { results[i] = f.renew({"--lease-ttl", "30"}); });
    }
    int renewed_lines = 0;
    for (const auto& r : results) {
        CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
        renewed_lines += count_of(r.out, ": renewed (expires ");
    }
    CHECK(renewed_lines == 20);

    std::set<std::int64_t> successors;
    for (const auto& old : originals) {
        const auto row = f.store->get_certificate(old.id);
        CHECK(row->status == CertificateStatus::Replaced);
        successors.insert(row->replaced_by);
    }
    CHECK(successors.size() == 20);
    CHECK(f.all().size() == 40);  // 20 originals + exactly one renewal each
    for (const auto& name : names) {
        certa::storage::CertificateFilter filter;
        filter.name = name;
        const auto active = f.store->list_certificates(filter);
        REQUIRE(active.size() == 1);
        CHECK(f.events(active.front().id, "renewed") == 1);
        CHECK(successors.count(active.front().id) == 1);
    }
}
