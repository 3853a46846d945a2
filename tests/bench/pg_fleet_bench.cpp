// Fleet benchmark over one shared store (PostgreSQL, and SQLite for
// comparison): 10,000 certificates, several handshake agents watching it.
// Reports (no assertions on speed; speed is only printed):
//   - filling the store, and opening an agent over it,
//   - renewal propagation: time from put_certificate(replaces=...) returning
//     until every agent serves the new generation,
//   - `certa renew` wall time when nothing is due.
// Run with `meson test --benchmark pg_fleet` (CERTA_FLEET_CERTS overrides 10000;
// CERTA_FLEET_KEEP=PATH keeps a copy of the filled SQLite store for profiling;
// CERTA_FLEET_PG_URL=URL fills that database instead of starting a server).
#include "PostgresHarness.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "TestCertificates.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

using namespace certa;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kAgents = 3;
constexpr int kRenewals = 20;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

int fleet_size() {
    const char* env = std::getenv("CERTA_FLEET_CERTS");
    return env ? std::max(1, std::atoi(env)) : 10000;
}

storage::CertificateInput input(const test::TestCert& cert) {
    storage::CertificateInput in;
    in.key_type = "ec256";
    in.key_pem = cert.key_pem;
    in.chain_pem = cert.chain_pem;
    in.server = "https://ca.test/dir";
    in.settings_json = "{}";
    return in;
}

void run_fleet(const std::string& label, const std::string& location) {
    const int count = fleet_size();
    const long validity = 90L * 86400;  // 90 days: nothing is due
    auto store = storage::open_store(location);
    auto start = Clock::now();
    std::vector<std::int64_t> ids;
    for (int i = 0; i < count; ++i)
        ids.push_back(store->put_certificate(
            input(test::make_self_signed({"h" + std::to_string(i) + ".fleet.test"}, "ec256", -60, validity))));
    std::printf("[%s] filled %d certificates in %.0f ms\n", label.c_str(), count, ms_since(start));

    std::vector<std::unique_ptr<handshake::Agent>> agents;
    for (int a = 0; a < kAgents; ++a) {
        handshake::AgentOptions options;
        options.poll_interval = std::chrono::milliseconds(100);
        auto open = Clock::now();
        agents.push_back(handshake::Agent::open(location, options));
        std::printf("[%s] agent %d opened over %zu certificates in %.0f ms\n", label.c_str(), a,
                    agents.back()->certificate_count(), ms_since(open));
        REQUIRE(agents.back()->certificate_count() == static_cast<std::size_t>(count));
    }

    std::vector<double> latencies;
    const int renewals = std::min(kRenewals, count);  // each renews a different certificate
    for (int r = 0; r < renewals; ++r) {
        std::int64_t target = ids[static_cast<std::size_t>(r) * ids.size() / renewals];
        auto renewal = input(test::make_self_signed({"h" + std::to_string(r * count / renewals) + ".fleet.test"},
                                                    "ec256", -60, validity));
        renewal.replaces = target;
        // Varying phase against the agents' 100 ms poll (else every put lands right after one).
        std::this_thread::sleep_for(std::chrono::milliseconds(r * 37 % 100));
        store->put_certificate(renewal);
        std::int64_t generation = store->current_generation();
        auto put = Clock::now();
        bool reached = false;
        // Bounded: 10 s per renewal.
        for (int spin = 0; spin < 10000 && !reached; ++spin) {
            reached = std::all_of(agents.begin(), agents.end(),
                                  [&](const auto& agent) { return agent->generation() >= generation; });
            if (!reached) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        REQUIRE(reached);
        latencies.push_back(ms_since(put));
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("[%s] renewal reached all %d agents: median %.1f ms, max %.1f ms (%d renewals, poll 100 ms)\n",
                label.c_str(), kAgents, latencies[latencies.size() / 2], latencies.back(), renewals);
    agents.clear();
    store.reset();
    // Profiling aid: CERTA_FLEET_KEEP=PATH keeps a copy of the filled store
    // (SQLite) as it was before the renew runs.
    if (const char* keep = std::getenv("CERTA_FLEET_KEEP"); keep && location.find("://") == std::string::npos)
        std::filesystem::copy_file(location, keep, std::filesystem::copy_options::overwrite_existing);

    // The first run after filling also picks every certificate's renewal time
    // (renew_at was never chosen); later runs are the steady cron case.
    for (const char* run : {"first", "second", "third"}) {
        auto renew = Clock::now();
        auto result = test::run_certa({"renew", "--store", location});
        double renew_ms = ms_since(renew);
        std::printf("[%s] certa renew with nothing due (%s run): exit %d in %.0f ms\n", label.c_str(), run,
                    result.exit_code, renew_ms);
        if (result.exit_code != 0) std::printf("%s%s\n", result.out.substr(0, 2000).c_str(), result.err.substr(0, 2000).c_str());
    }
}

}  // namespace

TEST_CASE("fleet over PostgreSQL") {
    // CERTA_FLEET_PG_URL: an existing (empty) database instead of the harness's server (profiling).
    const char* url = std::getenv("CERTA_FLEET_PG_URL");
    run_fleet("postgresql", url ? std::string(url) : test::PostgresHarness::shared().create_database());
}

TEST_CASE("fleet over SQLite (comparison)") {
    test::TempDir dir;
    run_fleet("sqlite", dir.file("fleet.db"));
}
