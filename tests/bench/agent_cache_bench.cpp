// The agent's bounded cache at scale (issue 23): one SQLite store of N
// certificates (default 1,000,000; MillionStore makes it once and keeps it in
// the build dir), an Agent with max_parsed_certificates = --cache and a hot
// set of --hot names. Prints, from a fresh process per figure:
//   ready     - Agent::open until it serves (the names-only first load);
//   index     - the index's bytes per name (AgentStats::index_bytes) and RSS;
//   hot RSS   - RSS once the hot set was served (each hot name parsed once);
//   cold      - p50/p99 of full handshakes for names not held parsed (each
//               reads its row by id and parses it), beside hot ones; end to
//               end (client and server) and the server's side alone;
//   unknown   - RSS and heap after 100,000 ClientHellos with random unknown SNIs;
//   CPU       - thread CPU per full handshake for hot names against the N store,
//               as a ratio to the same against a 10,000 store (alternating
//               half-second slices in one process, so machine load hits both).
// Client and server run in one thread over a BIO pair (TLS 1.3, no resumption),
// so a handshake's time and CPU include the client's work (alike in both).
// preparse is off (the background pre-parse would fill the cache with
// arbitrary certificates); every handshake checks the served name.
//
//   agent_cache_bench [--names 1000000] [--hot 10000] [--cache 12000] [--seconds 6] [--cache-dir DIR]
#include "BenchStore.hpp"
#include "MillionStore.hpp"
#include "handshake/agent/Agent.hpp"
#include "tests/handshake/TlsTestPeer.hpp"

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace certa;
using namespace certa::bench;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    std::size_t names = 1000000, hot = 10000, cache = 12000, small = 10000;
    double seconds = 6;
    std::string cache_dir = "agent_cache_stores";
};

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

long rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

double thread_cpu_s() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Served {
    ossl::SslCtxPtr server = test::make_server_ctx();
    ossl::SslCtxPtr client = [] {
        auto c = test::make_client_ctx();
        SSL_CTX_set_min_proto_version(c.get(), TLS1_3_VERSION);
        return c;
    }();
    std::unique_ptr<handshake::Agent> agent;
    long failures = 0;

    Served(const std::string& path, std::size_t cache) {
        handshake::AgentOptions o;
        o.preparse = false;
        o.max_parsed_certificates = cache;
        agent = handshake::Agent::open(path, o);
        agent->attach(server.get());
    }
    double last_server_us = 0;  // of the last hello(): the server's share (its SSL_do_handshake calls)
    // One full handshake for name i; its wall time in microseconds (client and server).
    double hello(std::size_t i) {
        test::ClientOptions o;
        o.sni = name_of(i);
        const auto t0 = Clock::now();
        auto r = test::run_handshake(server.get(), client.get(), o);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
        if (!r.ok || test::san_names(r.leaf.get()) != std::vector<std::string>{*o.sni}) ++failures;
        last_server_us = r.server_us;
        return us;
    }
};

// Hot name k of `hot` spread over n names.
std::size_t hot_name(std::size_t k, std::size_t n, std::size_t hot) { return k * (n / hot); }

// `count` ClientHellos with random unknown names through the ClientHello
// callback only (feed_server: no key exchange, no certificate).
void unknown_hellos(Served& s, std::size_t count) {
    std::mt19937_64 rng(42);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string name = "u" + std::to_string(rng()) + ".unknown.bench.test";
        (void)test::feed_server(s.server.get(), test::make_client_hello({{0x0000, test::sni_body(name)}}));
    }
}

void warm_openssl() {
    ossl::PKeyPtr key(EVP_EC_gen("P-256"));
    auto cert = make_cert("warm.bench.test", key.get());
    auto ctx = test::make_server_ctx();
}

// Ready time, memory, cold latency and the unknown-SNI flood for one store.
int probe(const std::string& path, const Args& a) {
    warm_openssl();
    const long rss0 = rss_kib();
    const auto t0 = Clock::now();
    Served s(path, a.cache);
    const double ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    malloc_trim(0);
    const long rss_open = rss_kib();
    const auto st = s.agent->stats();
    std::printf("[%zu] ready: %.0f ms (open to serving, names-only load of %zu certificates)\n", a.names, ready_ms,
                s.agent->certificate_count());
    std::printf("[%zu] index: %.1f bytes/name (%llu names, %.1f MiB of shards); RSS after open %.1f MiB (+%.1f MiB)\n",
                a.names, static_cast<double>(st.index_bytes) / static_cast<double>(st.index_names),
                static_cast<unsigned long long>(st.index_names), static_cast<double>(st.index_bytes) / 1048576.0,
                mib(rss_open), mib(rss_open - rss0));

    const std::size_t hot = std::min(a.hot, a.names);
    for (std::size_t k = 0; k < hot; ++k) s.hello(hot_name(k, a.names, hot));
    malloc_trim(0);
    const long rss_hot = rss_kib();
    std::printf("[%zu] hot set: %zu names served (each parsed once), cache %zu: RSS %.1f MiB (parsed %llu)\n",
                a.names, hot, a.cache, mib(rss_hot), static_cast<unsigned long long>(s.agent->stats().parsed));

    // Cold (never served, so not held) and hot, alternating.
    std::mt19937_64 rng(7);
    std::vector<double> cold_us, hot_us, cold_server_us, hot_server_us;
    const auto reads0 = s.agent->stats().store_reads;
    for (int i = 0; i < 2000; ++i) {
        std::size_t cold;
        do cold = rng() % a.names; while (a.names > hot && cold % (a.names / hot) == 0);
        cold_us.push_back(s.hello(cold));
        cold_server_us.push_back(s.last_server_us);
        hot_us.push_back(s.hello(hot_name(rng() % hot, a.names, hot)));
        hot_server_us.push_back(s.last_server_us);
    }
    std::printf("[%zu] cold names: p50 %.0f us, p99 %.0f us (full handshakes; %llu store reads); hot names: p50 %.0f"
                " us, p99 %.0f us; the miss adds p50 %.0f us, p99 %.0f us\n",
                a.names, pct(cold_us, 0.5), pct(cold_us, 0.99),
                static_cast<unsigned long long>(s.agent->stats().store_reads - reads0), pct(hot_us, 0.5),
                pct(hot_us, 0.99), pct(cold_us, 0.5) - pct(hot_us, 0.5), pct(cold_us, 0.99) - pct(hot_us, 0.99));
    // What a remote client waits for (beside its own work and the network): the server's side alone.
    std::printf("[%zu] server side only: cold p50 %.0f us, p99 %.0f us (target p99 <= 2000 us); hot p50 %.0f us,"
                " p99 %.0f us\n",
                a.names, pct(cold_server_us, 0.5), pct(cold_server_us, 0.99), pct(hot_server_us, 0.5),
                pct(hot_server_us, 0.99));

    malloc_trim(0);
    const long rss_before = rss_kib();
    const auto heap_before = mallinfo2().uordblks;
    unknown_hellos(s, 100000);
    malloc_trim(0);
    std::printf("[%zu] 100,000 unknown SNIs: RSS %.1f -> %.1f MiB, heap %+.1f KiB, unknown_name %llu, negative %llu\n",
                a.names, mib(rss_before), mib(rss_kib()),
                (static_cast<double>(mallinfo2().uordblks) - static_cast<double>(heap_before)) / 1024.0,
                static_cast<unsigned long long>(s.agent->stats().unknown_name),
                static_cast<unsigned long long>(s.agent->stats().negative_cached));
    std::printf("[%zu] failures: %ld\n", a.names, s.failures);
    return s.failures == 0 ? 0 : 1;
}

// Thread CPU per hot handshake, big store against the small one, in alternating slices.
int cpu(const std::string& small_path, const std::string& big_path, const Args& a) {
    warm_openssl();
    Served small(small_path, a.cache), big(big_path, a.cache);
    const std::size_t hot = std::min(a.hot, a.small);
    for (std::size_t k = 0; k < hot; ++k) {
        small.hello(hot_name(k, a.small, hot));
        big.hello(hot_name(k, a.names, hot));
    }
    std::mt19937_64 rng(11);
    double cpu_small = 0, cpu_big = 0;
    long n_small = 0, n_big = 0;
    std::vector<double> ratios;
    const int slices = std::max(2, static_cast<int>(a.seconds / 0.5 / 2));
    for (int i = 0; i < slices; ++i) {
        double per[2] = {0, 0};
        for (int which = 0; which < 2; ++which) {
            Served& s = which == 0 ? small : big;
            const std::size_t n = which == 0 ? a.small : a.names;
            const double c0 = thread_cpu_s();
            long count = 0;
            for (const auto end = Clock::now() + std::chrono::milliseconds(500); Clock::now() < end; ++count)
                s.hello(hot_name(rng() % hot, n, hot));
            const double used = thread_cpu_s() - c0;
            per[which] = used / static_cast<double>(count);
            (which == 0 ? cpu_small : cpu_big) += used;
            (which == 0 ? n_small : n_big) += count;
        }
        ratios.push_back(per[1] / per[0]);
    }
    double mean = 0, var = 0;
    for (double r : ratios) mean += r / static_cast<double>(ratios.size());
    for (double r : ratios) var += (r - mean) * (r - mean) / static_cast<double>(ratios.size() - 1);
    const double half = 1.96 * std::sqrt(var / static_cast<double>(ratios.size()));
    std::printf("CPU per hot handshake: %.0f us at %zu certificates, %.0f us at %zu; ratio %.3f (per-slice mean %.3f"
                " +- %.3f, %zu slices; target <= 1.05); store reads during the run: %llu / %llu\n",
                cpu_big * 1e6 / static_cast<double>(n_big), a.names, cpu_small * 1e6 / static_cast<double>(n_small),
                a.small, (cpu_big / static_cast<double>(n_big)) / (cpu_small / static_cast<double>(n_small)), mean,
                half, ratios.size(), static_cast<unsigned long long>(big.agent->stats().store_reads),
                static_cast<unsigned long long>(small.agent->stats().store_reads));
    std::printf("CPU failures: %ld\n", small.failures + big.failures);
    return small.failures + big.failures == 0 ? 0 : 1;
}

// Runs this executable again with `args` and waits (a fresh process per figure).
int again(const std::vector<std::string>& args) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv{const_cast<char*>("agent_cache_bench")};
        for (const auto& s : args) argv.push_back(const_cast<char*>(s.c_str()));
        argv.push_back(nullptr);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    std::string mode, p1, p2;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : "";
        if (k == "--names") a.names = std::stoul(v), ++i;
        else if (k == "--hot") a.hot = std::stoul(v), ++i;
        else if (k == "--cache") a.cache = std::stoul(v), ++i;
        else if (k == "--seconds") a.seconds = std::stod(v), ++i;
        else if (k == "--cache-dir") a.cache_dir = v, ++i;
        else if (k == "--probe" || k == "--cpu") mode = k, p1 = v, ++i, p2 = i + 1 < argc ? argv[i + 1] : "";
    }
    auto common = [&] {
        return std::vector<std::string>{"--names", std::to_string(a.names), "--hot", std::to_string(a.hot),
                                        "--cache", std::to_string(a.cache), "--seconds", std::to_string(a.seconds)};
    };
    if (mode == "--probe") return probe(p1, a);
    if (mode == "--cpu") return cpu(p1, p2, a);

    const std::string small = million_store(a.cache_dir, a.small);
    const std::string big = million_store(a.cache_dir, a.names);
    int rc = 0;
    auto args = common();
    args.insert(args.end(), {"--probe", big});
    rc |= again(args);
    args = common();
    args.insert(args.end(), {"--cpu", small, big});
    rc |= again(args);
    return rc;
}
