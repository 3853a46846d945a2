// `certa renew` when nothing is due: wall time of whole runs (process start,
// store open, listing, deciding) over a store of N certificates whose renewal
// time and next ARI check lie in the future, so no run touches the network
// (their CA URL is unreachable: a run that tried would fail loudly).
//
//   renew_nothing_due [--certs 10] [--runs 20]      (target: < 20 ms per run for a small store)
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestCertificates.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace certa;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    int certs = 10, runs = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--certs")) certs = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--runs")) runs = std::stoi(argv[i + 1]);
    }
    test::TempDir dir;
    const std::string db = dir.file("certa.db");
    {
        auto store = storage::open_store(db);
        const test::TestCert ca = test::make_ca("bench CA");
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        for (int i = 0; i < certs; ++i) {
            const std::string name = "n" + std::to_string(i) + ".bench.test";
            const test::TestCert leaf = test::make_issued({name}, "ec256", ca, -60, 90 * 86400);
            storage::CertificateInput input;
            input.names = {name};
            input.key_type = "ec256";
            input.key_pem = leaf.key_pem;
            input.chain_pem = leaf.chain_pem;
            input.server = "https://127.0.0.1:1/dir";
            input.settings_json = R"({"server":"https://127.0.0.1:1/dir","challenge":"http-01","key_type":"ec256"})";
            const auto id = store->put_certificate(input);
            storage::RenewalState state;
            state.renew_at = now + 60 * 86400;
            state.ari_next_check = now + 6 * 3600;
            store->update_renewal_state(id, state);
        }
    }
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        const auto result = test::run({test::certa_bin(), "--store", db, "renew", "--quiet"});
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (result.exit_code != 0 || !result.out.empty()) {
            std::fprintf(stderr, "renew failed (exit %d): %s%s\n", result.exit_code, result.out.c_str(), result.err.c_str());
            return 1;
        }
    }
    std::sort(ms.begin(), ms.end());
    std::printf("certa renew, nothing due, %d certificates, %d runs: median %.1f ms, p90 %.1f ms, max %.1f ms\n", certs,
                runs, ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back());
    return 0;
}
