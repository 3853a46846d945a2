// `certa renew` over large stores: wall time of whole runs (process start,
// store open, deciding) when nothing is due, and when k certificates have a
// pending deploy (work that touches the store but not the network), at each
// store size. Baseline in the same run: `certa --version`, the process start
// and dynamic linking alone. Every certificate's renewal time and next ARI
// check lie in the future and its CA URL is unreachable, so a run that
// wrongly looked at one would fail loudly.
//
//   renew_nothing_due [--certs 10000,100000] [--runs 15] [--pending 100] [--cache-dir DIR]
// With --cache-dir the filled stores are kept there and reused by later runs.
// Targets (issue 16): nothing due <= 20 ms at 100k; the pending-k run's cost
// grows with k, not with the store size.
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestCertificates.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using namespace certa;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
    double median = 0, p90 = 0, max = 0;
};

Figures figures(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back()};
}

double timed_ms(const std::vector<std::string>& argv, bool expect_silent) {
    const auto t0 = Clock::now();
    const auto result = test::run(argv);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (result.exit_code != 0 || (expect_silent && !result.out.empty())) {
        std::fprintf(stderr, "%s failed (exit %d): %s%s\n", argv.back().c_str(), result.exit_code, result.out.c_str(),
                     result.err.c_str());
        std::exit(1);
    }
    return ms;
}

// n certificates (one per name, each with its own key), scheduled for later.
std::vector<std::int64_t> fill(storage::Store& store, int n) {
    const test::TestCert ca = test::make_ca("bench CA");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    std::vector<std::int64_t> ids;
    const auto t0 = Clock::now();
    constexpr int kBatch = 1000;
    for (int start = 0; start < n; start += kBatch) {
        std::vector<storage::CertificateInput> inputs;
        for (int i = start; i < std::min(n, start + kBatch); ++i) {
            const std::string name = "n" + std::to_string(i) + ".bench.test";
            const test::TestCert leaf = test::make_issued({name}, "ec256", ca, -60, 90 * 86400);
            storage::CertificateInput& input = inputs.emplace_back();
            input.names = {name};
            input.key_type = "ec256";
            input.key_pem = leaf.key_pem;
            input.chain_pem = leaf.chain_pem;
            input.server = "https://127.0.0.1:1/dir";
            input.settings_json = R"({"server":"https://127.0.0.1:1/dir","challenge":"http-01","key_type":"ec256"})";
        }
        const auto batch = store.put_certificates(inputs);
        std::vector<std::pair<std::int64_t, storage::RenewalState>> states;
        for (auto id : batch) {
            storage::RenewalState state;
            state.renew_at = now + 60 * 86400;
            state.ari_next_check = now + 6 * 3600;
            states.emplace_back(id, state);
        }
        store.update_renewal_states(states);
        ids.insert(ids.end(), batch.begin(), batch.end());
    }
    std::printf("  filled %d certificates in %.1f s\n", n,
                std::chrono::duration<double>(Clock::now() - t0).count());
    return ids;
}

std::vector<int> parse_list(const char* text) {
    std::vector<int> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> sizes{10000, 100000};
    int runs = 15, pending = 100;
    std::string cache_dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--certs")) sizes = parse_list(argv[i + 1]);
        if (!std::strcmp(argv[i], "--runs")) runs = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--pending")) pending = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--cache-dir")) cache_dir = argv[i + 1];
    }
    std::vector<double> start_ms;
    for (int r = 0; r < runs; ++r) start_ms.push_back(timed_ms({test::certa_bin(), "--version"}, false));
    const Figures start = figures(start_ms);
    std::printf("baseline `certa --version` (process start), %d runs: median %.1f ms, p90 %.1f ms, max %.1f ms\n", runs,
                start.median, start.p90, start.max);

    for (int certs : sizes) {
        test::TempDir dir;
        const std::string db = cache_dir.empty() ? dir.file("certa.db")
                                                 : cache_dir + "/renew-" + std::to_string(certs) + ".db";
        std::vector<std::int64_t> ids;
        if (!cache_dir.empty() && std::filesystem::exists(db)) {
            for (const auto& row : storage::open_store(db)->list_certificates({false, "", storage::CertificateColumns::Summary})) ids.push_back(row.id);
            std::printf("  reusing %s (%zu certificates)\n", db.c_str(), ids.size());
        } else {
            if (!cache_dir.empty()) std::filesystem::create_directories(cache_dir);
            ids = fill(*storage::open_store(db), certs);
        }
        // Closed while the runs are timed: a cron run opens the store alone.
        if (ids.size() != static_cast<std::size_t>(certs)) {
            std::fprintf(stderr, "%s holds %zu certificates, not %d\n", db.c_str(), ids.size(), certs);
            return 1;
        }
        const std::vector<std::string> renew{test::certa_bin(), "--store", db, "renew", "--quiet"};

        std::vector<double> idle_ms;
        for (int r = 0; r < runs; ++r) idle_ms.push_back(timed_ms(renew, true));
        const Figures idle = figures(idle_ms);
        std::printf("certa renew, nothing due, %d certificates, %d runs: median %.1f ms, p90 %.1f ms, max %.1f ms"
                    " (process start: %.1f ms)\n",
                    certs, runs, idle.median, idle.p90, idle.max, start.median);

        // k deploys pending (no export dir, no hook): each run finishes and clears them.
        const int k = std::min<int>(pending, certs);
        std::vector<double> work_ms;
        for (int r = 0; r < std::min(runs, 5); ++r) {
            {
                auto store = storage::open_store(db);
                for (int i = 0; i < k; ++i)
                    store->set_deploy_pending(ids[static_cast<std::size_t>(i) * ids.size() / k], true);
            }
            work_ms.push_back(timed_ms(renew, true));
            if (!storage::open_store(db)->certificates_needing_attention(0).empty()) {
                std::fprintf(stderr, "a pending deploy was left after the run\n");
                return 1;
            }
        }
        const Figures work = figures(work_ms);
        std::printf("certa renew, %d deploys pending, %d certificates, %zu runs: median %.1f ms, max %.1f ms\n", k,
                    certs, work_ms.size(), work.median, work.max);
    }
    return 0;
}
