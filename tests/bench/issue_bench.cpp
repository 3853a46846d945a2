// Issuance benchmark against a local Pebble (VA without sleeps, no authz reuse):
//   1. one fresh certificate including a new account (certa, 5 runs: median wall and CPU s);
//   2. 20 certificates one after another from one account (separate `certa issue` runs);
//   3. 100 certificates, one per name, from one account (`certa issue --each --parallel 4`);
//   4. the baseline: uacme on the same Pebble, a fresh account + certificate, then 20 one
//      after another (its http-01 hook writes files served by a static web server).
// Prints the figures; exits non-zero only when an issuance fails.
#include "PebbleHarness.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace certa::test;

namespace {

struct Cost {
    double wall = 0, cpu = 0;
};

double children_cpu() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Cost measure(const std::function<void()>& fn) {
    const double cpu0 = children_cpu();
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    Cost c;
    c.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    c.cpu = children_cpu() - cpu0;
    return c;
}

void require_ok(const RunResult& r, const std::string& what) {
    if (r.exit_code != 0) throw std::runtime_error(what + " failed: " + r.err + r.out);
}

Cost median(std::vector<Cost> v) {
    std::sort(v.begin(), v.end(), [](const Cost& a, const Cost& b) { return a.wall < b.wall; });
    return v[v.size() / 2];
}

struct Certa {
    const PebbleHarness& pebble;
    RunResult issue(const std::string& store, const std::vector<std::string>& extra) const {
        std::vector<std::string> args{"--store", store, "issue", "--server", pebble.directory_url(), "--ca-bundle",
                                      pebble.ca_bundle_path(), "--agree-tos", "--http-address", "127.0.0.1",
                                      "--http-port", std::to_string(pebble.http01_port())};
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions o;
        o.timeout = std::chrono::minutes(10);
        return run_certa(args, o);
    }
};

// uacme with Pebble's WFE CA as the only trust anchor: uacme (libcurl-gnutls)
// has no CA option, so the bundle is bind-mounted over the system one in a
// private mount namespace.
RunResult uacme(const PebbleHarness& pebble, const std::string& confdir, const std::string& webroot,
                const std::string& hook, const std::vector<std::string>& args) {
    std::string cmd = "mount --bind '" + pebble.ca_bundle_path() +
                      "' /etc/ssl/certs/ca-certificates.crt && exec uacme -y -a '" + pebble.directory_url() +
                      "' -c '" + confdir + "' -h '" + hook + "' -t EC";
    for (const auto& a : args) cmd += " '" + a + "'";
    RunOptions o;
    o.env["UACME_WEBROOT"] = webroot;
    o.timeout = std::chrono::minutes(5);
    return run({"unshare", "-m", "sh", "-c", cmd}, o);
}

void print(const char* label, const Cost& c, int count = 1) {
    std::printf("%-58s wall %7.2f s  cpu %6.2f s", label, c.wall, c.cpu);
    if (count > 1) std::printf("  (%.3f s/cert)", c.wall / count);
    std::printf("\n");
    std::fflush(stdout);
}

}  // namespace

int main() try {
    PebbleHarness pebble;
    TempDir dir;
    Certa certa{pebble};

    std::vector<Cost> fresh;
    for (int i = 0; i < 5; ++i) {
        const std::string store = dir.file("fresh" + std::to_string(i) + ".db");
        fresh.push_back(measure([&] { require_ok(certa.issue(store, {"-d", "fresh" + std::to_string(i) + ".bench.example"}), "fresh issue"); }));
    }
    print("certa: one fresh certificate incl. new account (median/5)", median(fresh));

    const std::string shared = dir.file("shared.db");
    require_ok(certa.issue(shared, {"-d", "warmup.bench.example"}), "warm-up issue");
    Cost sequential = measure([&] {
        for (int i = 0; i < 20; ++i) require_ok(certa.issue(shared, {"-d", "seq" + std::to_string(i) + ".bench.example"}), "sequential issue");
    });
    print("certa: 20 certificates one after another, one account", sequential, 20);

    std::vector<std::string> each{"--each", "--parallel", "4"};
    for (int i = 0; i < 100; ++i) {
        each.push_back("-d");
        each.push_back("each" + std::to_string(i) + ".bench.example");
    }
    Cost hundred = measure([&] { require_ok(certa.issue(shared, each), "--each issue"); });
    print("certa: 100 certificates, one per name (--each --parallel 4)", hundred, 100);

    // Baseline: uacme, with a static web server for its http-01 files.
    const char* bench_dir = std::getenv("CERTA_BENCH_DIR");
    const std::string hook = std::string(bench_dir ? bench_dir : "tests/bench") + "/uacme_hook.sh";
    const std::string webroot = dir.file("webroot");
    run({"mkdir", "-p", webroot});
    Background web({"python3", "-m", "http.server", std::to_string(pebble.http01_port()), "--bind", "127.0.0.1",
                    "--directory", webroot});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // python's start-up; uacme retries nothing
    const std::string confdir = dir.file("uacme");
    Cost uacme_fresh = measure([&] {
        require_ok(uacme(pebble, confdir, webroot, hook, {"new"}), "uacme new");
        require_ok(uacme(pebble, confdir, webroot, hook, {"issue", "ufresh.bench.example"}), "uacme issue");
    });
    print("uacme: one fresh certificate incl. new account", uacme_fresh);
    Cost uacme_seq = measure([&] {
        for (int i = 0; i < 20; ++i)
            require_ok(uacme(pebble, confdir, webroot, hook, {"issue", "useq" + std::to_string(i) + ".bench.example"}),
                       "uacme issue");
    });
    print("uacme: 20 certificates one after another, one account", uacme_seq, 20);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "issue_bench: %s\n", e.what());
    return 1;
}
