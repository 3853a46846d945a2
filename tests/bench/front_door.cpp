// Front-door benchmark (issue 13, 22): `certa serve` beside haproxy (crt-list),
// nginx (one server block per certificate), nginx with ngx_http_certa_module
// (one block, the store), nginx-no-tickets (nginx with ssl_session_tickets off:
// certa serve without a target offers no resumption, as every connection ends
// with its handshake), Caddy (load_files: every certificate in its cache)
// and caddy-storage (issue 23: Caddy with on-demand TLS and its default
// 10,000-certificate cache, loading a missed certificate from its
// file_system storage, as certa's bounded cache loads from the store), all
// in the same run, all on the same N certificates, on loopback. For each server:
//   handshakes/s      full TLS 1.3 handshakes from an OpenSSL client pool,
//                     random SNI, each served leaf checked against the SNI
//   CPU us/handshake  on-CPU time of the server's threads (and workers),
//                     from /proc/PID/task/*/schedstat, over the handshakes made
//   p50 / p99         client-side latency of one handshake (connect..done)
//   ready             spawn to the first handshake that served the right leaf
//   RSS / PSS         after the load (PSS sums an nginx master and workers fairly)
// Servers are driven in turns (short slices, round robin), so that the other
// load on the machine disturbs all of them alike. Each server has 2 threads
// (certa's io threads, haproxy nbthread, nginx worker_processes, GOMAXPROCS).
//
// certa-bounded (certa serve --cache-size 10000, Caddy's default bound) is the
// like-for-like peer of caddy-storage at 100k.
//   front_door [--certs 10000,100000] [--peers certa,haproxy,nginx,nginx-no-tickets,nginx-certa,caddy,caddy-storage]
//              [--large-peers certa,certa-bounded,haproxy,nginx-certa,caddy-storage] [--large-from 50000]
//              [--slices 8] [--slice-ms 1500] [--threads 2] [--keys 1000]
//              [--cache-dir DIR] [--work-dir DIR]
// Needs CERTA_BIN (meson sets it); the peer certa-baseline runs $CERTA_BASELINE_BIN
// (an earlier build) beside it. Exits 1 when a server served a wrong leaf
// or certa did not come up; the targets are printed, not enforced.
#include "frontdoor/BenchCertSet.hpp"
#include "frontdoor/HandshakePool.hpp"
#include "frontdoor/PeerServer.hpp"
#include "frontdoor/ProcessUsage.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace certa::bench;

namespace {

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

struct Tally {
    long handshakes = 0, failures = 0, wrong_leaf = 0;
    double seconds = 0, cpu = 0;
    std::vector<double> latencies_us;
    void add(const PoolResult& r, double server_cpu) {
        handshakes += r.handshakes;
        failures += r.failures;
        wrong_leaf += r.wrong_leaf;
        seconds += r.seconds;
        cpu += server_cpu;
        latencies_us.insert(latencies_us.end(), r.latencies_us.begin(), r.latencies_us.end());
    }
    double cpu_us() const { return handshakes ? cpu * 1e6 / static_cast<double>(handshakes) : 0; }
};

struct Options {
    std::vector<std::string> certs{"10000", "100000"};
    std::vector<std::string> peers{"certa", "haproxy", "nginx", "nginx-no-tickets", "nginx-certa", "caddy", "caddy-storage"};
    // Caddy's certificate cache holds 10,000 certificates by default
    // (certmagic): `caddy` (load_files, nothing behind the cache) is left out
    // at 100k, where caddy-storage loads each miss from storage instead.
    // certa-bounded holds at most 10,000 parsed too: the like-for-like peer.
    std::vector<std::string> large_peers{"certa", "certa-bounded", "haproxy", "nginx-certa", "caddy-storage"};
    std::size_t large_from = 50000;
    int slices = 8, slice_ms = 1500, threads = 2;
    std::size_t keys = 1000;
    std::string cache_dir = "/tmp/certa-front-door-certs", work_dir = "/tmp/certa-front-door-work";
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--certs") o.certs = split(value);
        else if (flag == "--peers") o.peers = split(value);
        else if (flag == "--large-peers") o.large_peers = split(value);
        else if (flag == "--large-from") o.large_from = std::stoul(value);
        else if (flag == "--slices") o.slices = std::stoi(value);
        else if (flag == "--slice-ms") o.slice_ms = std::stoi(value);
        else if (flag == "--threads") o.threads = std::stoi(value);
        else if (flag == "--keys") o.keys = std::stoul(value);
        else if (flag == "--cache-dir") o.cache_dir = value;
        else if (flag == "--work-dir") o.work_dir = value;
        else throw std::runtime_error("unknown flag " + flag);
    }
    return o;
}

// Waits until `pid`'s tree uses under 5% of a core over 250 ms (bounded);
// returns how long that took in seconds.
double wait_until_idle(pid_t pid, std::chrono::seconds bound) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < bound) {
        double before = tree_cpu_seconds(pid);
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        if (tree_cpu_seconds(pid) - before < 0.0125) break;
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - 0.25;
}

// Returns false when something served a wrong leaf or certa never came up.
bool run_size(const Options& o, std::size_t n) {
    BenchCertSet certs = make_cert_set(o.cache_dir, n, o.keys);
    HandshakePool pool(n, o.threads);
    std::vector<PeerServer> servers;
    bool ok = true;
    for (const auto& kind : n >= o.large_from ? o.large_peers : o.peers) {
        auto server = start_peer(kind, certs, o.work_dir + "/" + kind, pool, std::chrono::seconds(900));
        if (server) {
            std::printf("%s: ready in %.3f s (port %u)\n", kind.c_str(), server->ready_ms / 1000, server->port);
            std::fflush(stdout);
            servers.push_back(std::move(*server));
        } else if (kind == "certa") {
            ok = false;
        }
    }
    // Steady state only: a server still busy after its first good handshake
    // (certa's background pre-parse, say) settles before anything is counted.
    for (auto& s : servers) {
        double busy_s = wait_until_idle(s.process->pid(), std::chrono::seconds(300));
        if (busy_s > 0.05) std::printf("%s: busy %.1f s more after ready, waited\n", s.name.c_str(), busy_s);
    }
    for (auto& s : servers) pool.run(s.port, std::chrono::milliseconds(500));  // warm-up, not counted
    std::map<std::string, Tally> tallies;
    for (int slice = 0; slice < o.slices; ++slice) {
        for (auto& s : servers) {
            double before = tree_cpu_seconds(s.process->pid());
            PoolResult r = pool.run(s.port, std::chrono::milliseconds(o.slice_ms));
            tallies[s.name].add(r, tree_cpu_seconds(s.process->pid()) - before);
        }
    }
    std::printf("\n%zu certificates, %d client threads, %d slices of %d ms per server\n", n, o.threads, o.slices,
                o.slice_ms);
    std::printf("%-16s %9s %11s %8s %8s %8s %9s %9s %11s %8s\n", "server", "hs/s", "cpu_us/hs", "p50_ms", "p99_ms",
                "ready_s", "rss_MB", "pss_MB", "pss_KB/cert", "fail");
    std::map<std::string, double> cpu, pss;
    std::map<std::string, double> ready;
    for (auto& s : servers) {
        const Tally& t = tallies[s.name];
        MemoryUse memory = tree_memory(s.process->pid());
        cpu[s.name] = t.cpu_us();
        pss[s.name] = memory.pss_mb * 1024 / static_cast<double>(n);
        ready[s.name] = s.ready_ms / 1000;
        std::printf("%-16s %9.0f %11.1f %8.2f %8.2f %8.3f %9.1f %9.1f %11.2f %8ld\n", s.name.c_str(),
                    t.seconds > 0 ? static_cast<double>(t.handshakes) / t.seconds : 0, t.cpu_us(),
                    percentile(t.latencies_us, 50) / 1000, percentile(t.latencies_us, 99) / 1000, s.ready_ms / 1000,
                    memory.rss_mb, memory.pss_mb, pss[s.name], t.failures);
        if (t.wrong_leaf > 0) {
            std::printf("%s: %ld handshakes served a leaf for another name\n", s.name.c_str(), t.wrong_leaf);
            ok = false;
        }
    }
    if (cpu.count("certa") && cpu.count("haproxy") && cpu["haproxy"] > 0)
        std::printf("certa CPU per handshake / haproxy's: %.2f (target <= 1.00)\n", cpu["certa"] / cpu["haproxy"]);
    if (cpu.count("certa") && cpu.count("nginx") && cpu["nginx"] > 0)
        std::printf("certa CPU per handshake / nginx's: %.2f (target <= 0.95)\n", cpu["certa"] / cpu["nginx"]);
    if (cpu.count("certa") && cpu.count("nginx-no-tickets") && cpu["nginx-no-tickets"] > 0)
        std::printf("certa CPU per handshake / nginx-no-tickets' (like for like: neither offers resumption): %.2f\n",
                    cpu["certa"] / cpu["nginx-no-tickets"]);
    if (cpu.count("certa") && cpu.count("certa-baseline") && cpu["certa-baseline"] > 0)
        std::printf("certa CPU per handshake / the baseline build's: %.2f\n", cpu["certa"] / cpu["certa-baseline"]);
    if (cpu.count("nginx-certa") && cpu.count("nginx") && cpu["nginx"] > 0)
        std::printf("nginx-certa CPU per handshake / nginx's: %.2f (target <= 1.02)\n", cpu["nginx-certa"] / cpu["nginx"]);
    if (ready.count("nginx-certa"))
        std::printf("nginx-certa ready: %.3f s (target <= 1 s at 100k)\n", ready["nginx-certa"]);
    if (pss.count("nginx-certa") && pss.count("nginx") && pss["nginx"] > 0)
        std::printf("nginx-certa memory per certificate / nginx's: %.2f (target <= 0.20)\n",
                    pss["nginx-certa"] / pss["nginx"]);
    if (ready.count("certa")) std::printf("certa ready: %.3f s (target <= 0.3 s at 100k)\n", ready["certa"]);
    if (pss.count("certa") && pss.count("caddy") && pss["caddy"] > 0)
        std::printf("certa memory per certificate / Caddy's: %.2f (target <= 0.60)\n", pss["certa"] / pss["caddy"]);
    for (const char* own : {"certa", "certa-bounded"})
        if (cpu.count(own) && cpu.count("caddy-storage") && cpu["caddy-storage"] > 0 && pss["caddy-storage"] > 0)
            std::printf("%s / caddy-storage (Caddy loading misses from storage): CPU per handshake %.2f, PSS %.2f\n",
                        own, cpu[own] / cpu["caddy-storage"], pss[own] / pss["caddy-storage"]);
    std::fflush(stdout);
    for (auto& s : servers) s.process->stop(SIGTERM, std::chrono::milliseconds(20000));
    std::filesystem::remove_all(o.work_dir);
    return ok;
}

}  // namespace

int main(int argc, char** argv) try {
    Options o = parse(argc, argv);
    bool ok = true;
    for (const auto& n : o.certs) ok = run_size(o, std::stoul(n)) && ok;
    return ok ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "front_door: %s\n", e.what());
    return 2;
}
