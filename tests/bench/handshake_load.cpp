// Handshake load benchmark: full TLS 1.3 handshakes (no resumption) from
// OpenSSL client threads with a random SNI out of N names, against
//   (a) a plain OpenSSL server context with one static certificate (its chain
//       set, as a server loading a full chain file has: no auto-chain building),
//   (b) the same context with the certa Agent attached (one cert per name):
//       cold   = preparse off (every certificate parsed on its first handshake),
//       open   = the DEFAULT options, load started right after open (the
//                background pre-parse runs at low priority meanwhile),
//       steady = the DEFAULT options once the background pre-parse is done.
// Each (b) phase runs `--seconds` in half-second slices alternating with (a)
// slices, and its ratio is taken against those (a) slices: the machine's other
// load then disturbs both alike.
// Every handshake checks that the served leaf is for the requested SNI.
// Client and server run in the same thread over a BIO pair, so a handshake's
// time includes the client's work too (the same in a and b). Besides the rate
// (wall clock, disturbed by other load on the machine) the process CPU time
// per handshake is printed (background pre-parse included).
//
//   handshake_load [--names 1,10000,100000] [--seconds 3] [--threads 2] [--keys 1000] [--cache-dir DIR]
//                  [--budget PERCENT]       (extra phase: max_parsed_certificates = N * PERCENT / 100)
//
// Certificate i is signed with key i % K out of a pool of K distinct P-256
// keys (real stores have one key per certificate; generating 100k keys would
// dominate the fill). With --cache-dir, filled stores are kept as
// DIR/bench-N-kK.db and reused.
#include "BenchStore.hpp"
#include "RssProbe.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/handshake/TlsTestPeer.hpp"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace certa;
using namespace certa::bench;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Bytes the allocator has handed out and not got back (more precise than RSS,
// which keeps pages that earlier phases freed).
double heap_bytes() { return static_cast<double>(mallinfo2().uordblks); }


double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct RunStats {
    long handshakes = 0;
    double cpu_seconds = 0;  // process CPU time during the run (all threads)
    long failures = 0;
    long mismatches = 0;
    double seconds = 0;
    std::vector<double> latencies_us;
    double rate() const { return seconds > 0 ? handshakes / seconds : 0; }
    double cpu_us_per_hs() const { return handshakes > 0 ? cpu_seconds * 1e6 / static_cast<double>(handshakes) : 0; }
    void add(const RunStats& o) {
        handshakes += o.handshakes;
        failures += o.failures;
        mismatches += o.mismatches;
        seconds += o.seconds;
        cpu_seconds += o.cpu_seconds;
        latencies_us.insert(latencies_us.end(), o.latencies_us.begin(), o.latencies_us.end());
    }
    double pct(double p) {
        if (latencies_us.empty()) return 0;
        std::sort(latencies_us.begin(), latencies_us.end());
        return latencies_us[std::min(latencies_us.size() - 1, static_cast<std::size_t>(p * latencies_us.size()))];
    }
};

// `threads` client threads for `seconds`, random SNI out of `n` names; the
// leaf must carry exactly the SNI (or the wildcard, for the static server).
RunStats load(SSL_CTX* server, std::size_t n, std::chrono::milliseconds duration, int threads,
              const std::string& expect_wildcard) {
    RunStats total;
    std::vector<RunStats> per(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    const auto start = Clock::now();
    const double cpu0 = cpu_seconds();
    const auto deadline = start + duration;
    // A fresh name sequence for every run and thread (slices must not repeat
    // the names of earlier slices, or a cold agent would look warm).
    static std::atomic<unsigned> next_seed{1};
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t, seed = next_seed++] {
            auto client = test::make_client_ctx();
            SSL_CTX_set_min_proto_version(client.get(), TLS1_3_VERSION);
            std::mt19937_64 rng(seed);
            RunStats& s = per[static_cast<std::size_t>(t)];
            for (long i = 0; i < 10'000'000 && Clock::now() < deadline; ++i) {
                test::ClientOptions o;
                o.sni = name_of(rng() % n);
                const auto t0 = Clock::now();
                auto r = test::run_handshake(server, client.get(), o);
                s.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
                ++s.handshakes;
                if (!r.ok) {
                    ++s.failures;
                    continue;
                }
                auto sans = test::san_names(r.leaf.get());
                const std::string& want = expect_wildcard.empty() ? *o.sni : expect_wildcard;
                if (sans.size() != 1 || sans[0] != want) ++s.mismatches;
            }
        });
    }
    for (auto& th : pool) th.join();
    total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu0;
    for (auto& s : per) {
        total.handshakes += s.handshakes;
        total.failures += s.failures;
        total.mismatches += s.mismatches;
        total.latencies_us.insert(total.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
    }
    total.cpu_seconds = cpu;
    return total;
}

// (a) and (b) in alternating slices (`rounds` of each within `seconds` in all),
// so that load from other processes on the machine hits both alike.
// Each round's b/a rate ratio is one paired sample: their spread says how far
// the overall ratio can be trusted on a machine with other load.
struct Pair {
    RunStats a, b;
    std::vector<double> round_ratios;
    // Mean of the per-round ratios and the half-width of its 95% confidence
    // interval (Student's t, rounds - 1 degrees of freedom).
    std::pair<double, double> ratio_interval() const {
        const auto k = round_ratios.size();
        if (k < 2) return {k ? round_ratios[0] : 0.0, 0.0};
        double mean = 0, var = 0;
        for (double r : round_ratios) mean += r / static_cast<double>(k);
        for (double r : round_ratios) var += (r - mean) * (r - mean) / static_cast<double>(k - 1);
        // t(0.975, df) for df = 1..30, then the normal value.
        static constexpr double t975[] = {12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23,
                                          2.20,  2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.10, 2.09, 2.09,
                                          2.08,  2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05, 2.04};
        const double t = k - 1 <= 30 ? t975[k - 2] : 1.96;
        return {mean, t * std::sqrt(var / static_cast<double>(k))};
    }
};
Pair paired(SSL_CTX* plain, SSL_CTX* agent, std::size_t n, int seconds, int threads, int rounds) {
    Pair p;
    const auto slice = std::chrono::milliseconds(seconds * 1000 / (2 * rounds));
    for (int r = 0; r < rounds; ++r) {
        RunStats a = load(plain, n, slice, threads, "*.bench.test");
        RunStats b = load(agent, n, slice, threads, "");
        if (a.rate() > 0) p.round_ratios.push_back(b.rate() / a.rate());
        p.a.add(a);
        p.b.add(b);
    }
    return p;
}


void print_run(const char* label, RunStats& r) {
    std::printf("%-22s: %5.0f hs/s  %4.0f us CPU/hs  p50 %5.0f us  p99 %6.0f us  (%ld hs, %ld failed, %ld mismatched)\n",
                label, r.rate(), r.cpu_us_per_hs(), r.pct(0.5), r.pct(0.99), r.handshakes, r.failures, r.mismatches);
}

double load_average() {
    double one = 0;
    std::ifstream("/proc/loadavg") >> one;
    return one;
}

std::vector<std::size_t> parse_list(const std::string& text) {
    std::vector<std::size_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(std::stoul(item));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 5 && std::string(argv[1]) == "--rss-probe")
        return bench::rss_probe(argv[2], std::stoul(argv[3]), std::stod(argv[4]));
    std::vector<std::size_t> sizes = {1, 10000, 100000};
    int seconds = 3, threads = 2;
    std::size_t key_count = 1000, budget_percent = 0;
    std::string cache_dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--names") sizes = parse_list(value);
        else if (flag == "--seconds") seconds = std::stoi(value);
        else if (flag == "--threads") threads = std::stoi(value);
        else if (flag == "--keys") key_count = std::stoul(value);
        else if (flag == "--budget") budget_percent = std::stoul(value);
        else if (flag == "--cache-dir") cache_dir = value;
        else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    auto tmp = std::filesystem::temp_directory_path() / ("certa-bench-" + std::to_string(getpid()));
    const std::string dir = cache_dir.empty() ? tmp.string() : cache_dir;
    std::filesystem::create_directories(dir);

    const KeyPool pool = make_key_pool(key_count);
    int rc = 0;
    auto check = [&rc](const RunStats& r) {
        if (r.failures || r.mismatches || r.handshakes == 0) rc = 1;
    };

    for (std::size_t n : sizes) {
        std::printf("== N = %zu names (load average %.2f) ==\n", n, load_average());
        const std::string path = dir + "/bench-" + std::to_string(n) + "-k" + std::to_string(pool.keys.size()) + ".db";
        fill_store(path, n, pool);

        // (a) static certificate with its (empty) chain set: no chain building per handshake.
        auto wildcard = make_cert("*.bench.test", pool.key(0));
        auto plain = test::make_server_ctx();
        ossl::X509StackPtr no_intermediates(sk_X509_new_null());
        SSL_CTX_use_cert_and_key(plain.get(), wildcard.get(), pool.key(0), no_intermediates.get(), 1);
        // Each (b) phase runs `seconds` in all, interleaved with as long of (a).
        const int rounds = std::max(1, seconds * 2);

        // (b) cold: preparse off, every certificate parsed on its first handshake.
        handshake::AgentOptions cold_options;
        cold_options.preparse = false;
        auto agent = handshake::Agent::open(path, cold_options);
        auto with_agent = test::make_server_ctx();
        agent->attach(with_agent.get());
        Pair cold = paired(plain.get(), with_agent.get(), n, 2 * seconds, threads, rounds);
        agent.reset();

        // (b) default options: load right after open, then once the background pre-parse is done.
        const double heap0 = heap_bytes();
        const auto open_start = Clock::now();
        agent = handshake::Agent::open(path);
        const double open_ms = ms_since(open_start);
        const double heap1 = heap_bytes();
        with_agent = test::make_server_ctx();
        agent->attach(with_agent.get());
        Pair fresh = paired(plain.get(), with_agent.get(), n, 2 * seconds, threads, rounds);
        const auto after_load = agent->stats();
        for (int i = 0; i < 600000 && agent->stats().preparse_backlog > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const double parsed_ms = ms_since(open_start);
        const double heap2 = heap_bytes();
        Pair steady = paired(plain.get(), with_agent.get(), n, 2 * seconds, threads, rounds);

        const double der = static_cast<double>(i2d_X509(wildcard.get(), nullptr));
        const double dn = static_cast<double>(std::max<std::size_t>(n, 1));
        std::printf("open to ready: %.1f ms (%zu certificates); background pre-parse: %llu parsed during the load,"
                    " all parsed %.0f ms after open\n",
                    open_ms, agent->certificate_count(), static_cast<unsigned long long>(after_load.preparsed),
                    parsed_ms);
        std::printf("memory/cert: %.0f B heap at open (PEM kept), %.0f B heap all parsed; DER %.0f B -> beyond DER"
                    " %.0f B\n",
                    (heap1 - heap0) / dn, (heap2 - heap0) / dn, der, (heap2 - heap0) / dn - der);
        bench::run_rss_probe(path, n, der);
        const std::pair<const char*, Pair*> phases[] = {
            {"cold (no preparse)", &cold}, {"default, at open", &fresh}, {"default, steady", &steady}};
        for (const auto& [label, pair] : phases) {
            std::printf("-- %s, interleaved with (a) in %d slices each --\n", label, rounds);
            print_run("(a)  static", pair->a);
            print_run("(b)  agent", pair->b);
            const auto [mean, half] = pair->ratio_interval();
            std::printf("   ratio b/a: rate %.3f  CPU/hs %.3f   added latency p50 %+.0f us p99 %+.0f us\n"
                        "   per-round ratios: mean %.3f, 95%% interval %.3f..%.3f (%zu rounds)\n",
                        pair->b.rate() / pair->a.rate(), pair->b.cpu_us_per_hs() / pair->a.cpu_us_per_hs(),
                        pair->b.pct(0.5) - pair->a.pct(0.5), pair->b.pct(0.99) - pair->a.pct(0.99), mean,
                        mean - half, mean + half, pair->round_ratios.size());
            check(pair->a);
            check(pair->b);
        }

        if (budget_percent > 0) {  // a parse budget: memory bounded, evicted entries parsed again
            handshake::AgentOptions o;
            o.max_parsed_certificates = std::max<std::size_t>(1, n * budget_percent / 100);
            const double h0 = heap_bytes();
            auto limited = handshake::Agent::open(path, o);
            auto ctx = test::make_server_ctx();
            limited->attach(ctx.get());
            for (int i = 0; i < 600000 && limited->stats().preparse_backlog > 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            Pair p = paired(plain.get(), ctx.get(), n, 2 * seconds, threads, rounds);
            std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a watcher sweep
            const auto st = limited->stats();
            std::printf("-- budget %zu parsed (%zu%%), interleaved with (a) --\n", o.max_parsed_certificates,
                        budget_percent);
            print_run("(a)  static", p.a);
            print_run("(b)  agent, budget", p.b);
            std::printf("   ratio b/a: rate %.3f  CPU/hs %.3f; parsed now %llu, evictions %llu; heap %.0f B/cert\n",
                        p.b.rate() / p.a.rate(), p.b.cpu_us_per_hs() / p.a.cpu_us_per_hs(),
                        static_cast<unsigned long long>(st.parsed), static_cast<unsigned long long>(st.evictions),
                        (heap_bytes() - h0) / dn);
            check(p.a);
            check(p.b);
        }

        // Time until a renewed certificate is served (watcher polls every 100 ms).
        {
            auto store = storage::open_store(path);
            auto active = store->find_active_certificate(name_of(0));
            const auto t0 = Clock::now();
            auto id = put(*store, name_of(0), pool.key(0), pool.pem(0), active ? std::optional(active->id) : std::nullopt);
            const double put_ms = ms_since(t0);
            // The leaf's serial as serial_of() prints it (the store's serial_hex
            // keeps DER's leading 00 byte when the top bit is set).
            const auto stored = ossl::parse_chain_pem(store->get_certificate(id)->chain_pem);
            const std::string want = stored.empty() ? std::string() : test::serial_of(stored.front().get());
            auto client = test::make_client_ctx();
            double served_ms = -1;
            while (ms_since(t0) < 10000) {
                test::ClientOptions o;
                o.sni = name_of(0);
                auto r = test::run_handshake(with_agent.get(), client.get(), o);
                if (r.ok && test::serial_of(r.leaf.get()) == want) {
                    served_ms = ms_since(t0);
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            std::printf("renewal: put %.1f ms, served after %.1f ms (from the put's start)\n", put_ms, served_ms);
            if (served_ms < 0) {
                rc = 1;
                const auto st = agent->stats();
                std::printf("renewal NOT served: generation %lld, reloads %llu, reload errors %llu (%s)\n",
                            static_cast<long long>(agent->generation()), static_cast<unsigned long long>(st.reloads),
                            static_cast<unsigned long long>(st.reload_errors), agent->last_reload_error().c_str());
            }
        }
        agent.reset();
        std::printf("load average at the end: %.2f\n", load_average());
        std::fflush(stdout);
    }
    if (cache_dir.empty()) std::filesystem::remove_all(tmp);
    return rc;
}
