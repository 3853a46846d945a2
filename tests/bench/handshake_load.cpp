// Handshake load benchmark: full TLS 1.3 handshakes (no resumption) from
// OpenSSL client threads with a random SNI out of N names, against
//   (a) a plain OpenSSL server context with one static certificate, and
//   (b) the same context with the certa Agent attached (one cert per name).
// Every handshake checks that the served leaf is for the requested SNI.
// Client and server run in the same thread over a BIO pair, so a handshake's
// time includes the client's work too (the same in a and b).
//
//   handshake_load [--names 1,10000,100000] [--seconds 3] [--threads 2] [--cache-dir DIR]
//
// With --cache-dir, filled stores are kept as DIR/bench-N.db and reused.
#include "handshake/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/handshake/TlsTestPeer.hpp"

#include <openssl/rand.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

long rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Bytes the allocator has handed out and not got back (more precise than RSS,
// which keeps pages that earlier phases freed).
double heap_bytes() { return static_cast<double>(mallinfo2().uordblks); }

std::string name_of(std::size_t i) { return "h" + std::to_string(i) + ".bench.test"; }

// A certificate for `name` signed with the shared key (key generation would
// dominate filling a 100k store otherwise; the handshake cost is the same).
ossl::X509Ptr make_cert(const std::string& san, EVP_PKEY* key) {
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    unsigned char serial[12];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    ossl::BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(san.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_set_pubkey(cert.get(), key);
    std::string value = "DNS:" + san;
    ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str()));
    X509_add_ext(cert.get(), ext.get(), -1);
    X509_sign(cert.get(), key, EVP_sha256());
    return cert;
}

storage::CertificateInput input_for(const std::string& name, EVP_PKEY* key, const std::string& key_pem) {
    storage::CertificateInput in;
    in.names = {name};
    in.key_type = "ec256";
    in.key_pem = key_pem;
    in.chain_pem = ossl::to_pem(make_cert(name, key).get());
    in.server = "https://127.0.0.1/bench";
    return in;
}

std::int64_t put(storage::Store& store, const std::string& name, EVP_PKEY* key, const std::string& key_pem,
                 std::optional<std::int64_t> replaces = {}) {
    storage::CertificateInput in = input_for(name, key, key_pem);
    in.replaces = replaces;
    return store.put_certificate(in);
}

struct RunStats {
    long handshakes = 0;
    long failures = 0;
    long mismatches = 0;
    double seconds = 0;
    std::vector<double> latencies_us;
    double rate() const { return seconds > 0 ? handshakes / seconds : 0; }
    double pct(double p) {
        if (latencies_us.empty()) return 0;
        std::sort(latencies_us.begin(), latencies_us.end());
        return latencies_us[std::min(latencies_us.size() - 1, static_cast<std::size_t>(p * latencies_us.size()))];
    }
};

// `threads` client threads for `seconds`, random SNI out of `n` names; the
// leaf must carry exactly the SNI (or the wildcard, for the static server).
RunStats load(SSL_CTX* server, std::size_t n, int seconds, int threads, const std::string& expect_wildcard) {
    RunStats total;
    std::vector<RunStats> per(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::seconds(seconds);
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            auto client = test::make_client_ctx();
            SSL_CTX_set_min_proto_version(client.get(), TLS1_3_VERSION);
            std::mt19937_64 rng(static_cast<unsigned>(t) + 1);
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
    for (auto& s : per) {
        total.handshakes += s.handshakes;
        total.failures += s.failures;
        total.mismatches += s.mismatches;
        total.latencies_us.insert(total.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
    }
    return total;
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
    std::vector<std::size_t> sizes = {1, 10000, 100000};
    int seconds = 3, threads = 2;
    std::string cache_dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--names") sizes = parse_list(value);
        else if (flag == "--seconds") seconds = std::stoi(value);
        else if (flag == "--threads") threads = std::stoi(value);
        else if (flag == "--cache-dir") cache_dir = value;
        else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    auto tmp = std::filesystem::temp_directory_path() / ("certa-bench-" + std::to_string(getpid()));
    const std::string dir = cache_dir.empty() ? tmp.string() : cache_dir;
    std::filesystem::create_directories(dir);

    ossl::PKeyPtr key = ossl::generate_key("ec256");
    const std::string key_pem = ossl::to_pem(key.get());
    int rc = 0;

    for (std::size_t n : sizes) {
        std::printf("== N = %zu names ==\n", n);
        const std::string path = dir + "/bench-" + std::to_string(n) + ".db";
        {
            auto store = storage::open_store(path);
            auto existing = store->list_certificates({}).size();
            if (existing != n) {
                std::filesystem::remove(path);
                std::filesystem::remove(path + "-wal");
                std::filesystem::remove(path + "-shm");
                store = storage::open_store(path);
                // Certificates are made in batches first so that the put rate is the store's alone.
                double make_ms = 0, put_ms = 0;
                for (std::size_t done = 0; done < n;) {
                    std::vector<storage::CertificateInput> batch;
                    auto t0 = Clock::now();
                    for (; done < n && batch.size() < 1000; ++done)
                        batch.push_back(input_for(name_of(done), key.get(), key_pem));
                    make_ms += ms_since(t0);
                    t0 = Clock::now();
                    store->put_certificates(batch);  // one transaction per batch
                    put_ms += ms_since(t0);
                }
                std::printf("fill: made %zu certificates in %.0f ms; put_certificates (batches of 1000) x%zu in %.0f ms"
                            " (%.0f certificates/s)\n",
                            n, make_ms, n, put_ms, n / (put_ms / 1000));
            } else {
                std::printf("fill: reused %s\n", path.c_str());
            }
        }

        // (a) static certificate
        auto wildcard = make_cert("*.bench.test", key.get());
        auto plain = test::make_server_ctx();
        SSL_CTX_use_certificate(plain.get(), wildcard.get());
        SSL_CTX_use_PrivateKey(plain.get(), key.get());
        RunStats a = load(plain.get(), n, seconds, threads, "*.bench.test");

        // (b) agent, cold: every certificate is parsed on its first handshake.
        const double heap0 = heap_bytes();
        const long rss0 = rss_kib();
        const auto open_start = Clock::now();
        auto agent = handshake::Agent::open(path);
        const double open_ms = ms_since(open_start);
        const double heap1 = heap_bytes();
        const long rss1 = rss_kib();
        auto with_agent = test::make_server_ctx();
        agent->attach(with_agent.get());
        RunStats b = load(with_agent.get(), n, seconds, threads, "");
        agent.reset();

        // (b') agent, warm: the watcher pre-parsed every certificate first.
        const double heap2 = heap_bytes();
        handshake::AgentOptions warm_options;
        warm_options.preparse = true;
        const auto warm_start = Clock::now();
        agent = handshake::Agent::open(path, warm_options);
        for (int i = 0; i < 600000 && agent->stats().preparse_backlog + (agent->stats().preparsed < n ? 1 : 0) > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const double warm_ms = ms_since(warm_start);
        const double heap3 = heap_bytes();
        with_agent = test::make_server_ctx();
        agent->attach(with_agent.get());
        RunStats w = load(with_agent.get(), n, seconds, threads, "");

        const double der = static_cast<double>(i2d_X509(wildcard.get(), nullptr));
        const double dn = static_cast<double>(std::max<std::size_t>(n, 1));
        std::printf("open to ready: %.1f ms (%zu certificates); all parsed after %.0f ms (preparse)\n",
                    open_ms, agent->certificate_count(), warm_ms);
        std::printf("memory/cert: %.0f B heap unparsed (PEM kept), %.0f B heap parsed; DER %.0f B -> beyond DER %.0f B"
                    " (RSS at open +%ld KiB)\n",
                    (heap1 - heap0) / dn, (heap3 - heap2) / dn, der, (heap3 - heap2) / dn - der, rss1 - rss0);
        std::printf("(a)  static      : %.0f hs/s  p50 %.0f us  p99 %.0f us  (%ld hs, %ld failed, %ld mismatched)\n",
                    a.rate(), a.pct(0.5), a.pct(0.99), a.handshakes, a.failures, a.mismatches);
        std::printf("(b)  agent cold  : %.0f hs/s  p50 %.0f us  p99 %.0f us  (%ld hs, %ld failed, %ld mismatched)\n",
                    b.rate(), b.pct(0.5), b.pct(0.99), b.handshakes, b.failures, b.mismatches);
        std::printf("(b') agent warm  : %.0f hs/s  p50 %.0f us  p99 %.0f us  (%ld hs, %ld failed, %ld mismatched)\n",
                    w.rate(), w.pct(0.5), w.pct(0.99), w.handshakes, w.failures, w.mismatches);
        std::printf("ratio b/a: cold %.3f warm %.3f   added latency warm p50 %+.0f us p99 %+.0f us;"
                    " cold p50 %+.0f us p99 %+.0f us\n",
                    a.rate() > 0 ? b.rate() / a.rate() : 0.0, a.rate() > 0 ? w.rate() / a.rate() : 0.0,
                    w.pct(0.5) - a.pct(0.5), w.pct(0.99) - a.pct(0.99), b.pct(0.5) - a.pct(0.5),
                    b.pct(0.99) - a.pct(0.99));
        if (w.failures || w.mismatches) rc = 1;
        if (b.failures || b.mismatches || a.failures || a.mismatches) rc = 1;

        // Time until a renewed certificate is served (watcher polls every 100 ms).
        {
            auto store = storage::open_store(path);
            auto active = store->find_active_certificate(name_of(0));
            const auto t0 = Clock::now();
            auto id = put(*store, name_of(0), key.get(), key_pem, active ? std::optional(active->id) : std::nullopt);
            const double put_ms = ms_since(t0);
            const std::string want = store->get_certificate(id)->serial_hex;
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
            if (served_ms < 0) rc = 1;
        }
        agent.reset();

        std::fflush(stdout);
    }
    if (cache_dir.empty()) std::filesystem::remove_all(tmp);
    return rc;
}
