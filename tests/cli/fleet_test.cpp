// The fleet (issue 7): one PostgreSQL store shared by two "hosts", each
// running `certa serve` and `certa renew`, with a real Pebble.
//   host A: serve on Pebble's tls-alpn-01 port (answers tls-alpn-01),
//   host B: serve with --http on Pebble's http-01 port (answers http-01).
// No renew process can bind those ports, so every challenge a renewer writes
// is answered from the store by a serve process that did not write it.
// Orders are counted in Pebble's own log ("Added order"), not in the store.
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/PostgresHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <fstream>
#include <map>
#include <optional>
#include <atomic>
#include <thread>

using namespace certa;
using namespace certa::test;
using Clock = std::chrono::steady_clock;
using storage::CertificateRecord;

namespace {

constexpr long kLifetime = 40;  // seconds: due after half of it (the fallback schedule for short lifetimes)

storage::UnixTime now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

std::string leaf_der(const std::string& chain_pem) {
    auto chain = ossl::parse_chain_pem(chain_pem);
    return chain.empty() ? std::string() : ossl::to_der(chain.front().get());
}

// One real TLS handshake to 127.0.0.1:port with SNI `name`; the DER of the
// leaf served ("" when the handshake failed).
std::string served_leaf(std::uint16_t port, const std::string& name) {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return {};
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    TcpClient tcp(port);
    if (tcp.fd() < 0) return {};
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), tcp.fd());
    SSL_set_tlsext_host_name(ssl.get(), name.c_str());
    if (SSL_connect(ssl.get()) != 1) return {};
    ossl::X509Ptr peer(SSL_get1_peer_certificate(ssl.get()));
    std::string der = peer ? ossl::to_der(peer.get()) : std::string();
    SSL_shutdown(ssl.get());
    return der;
}

struct Fleet {
    Fleet()
        : url(PostgresHarness::shared().create_database()),
          pebble([] {
              PebbleOptions o;
              o.validity_seconds = kLifetime;
              // Every order must validate afresh: with reuse (Pebble's default is
              // 50%) the kill -9 case would find no challenge to hang on.
              o.env["PEBBLE_AUTHZREUSE"] = "0";
              return o;
          }()),
          store(storage::open_store(url)) {
        serve_a = std::make_unique<ServeProcess>(
            url, std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(pebble.tlsalpn01_port())});
        serve_b = std::make_unique<ServeProcess>(
            url, std::vector<std::string>{"--http", "127.0.0.1:" + std::to_string(pebble.http01_port())});
        // The store is shared: each host allows what it uses of its recorded settings.
        std::ofstream(allow_file) << "ca-bundle " << pebble.ca_bundle_path() << "\n";
    }

    std::vector<std::string> base(std::vector<std::string> args) const {
        if (!args.empty() && args.front() == "renew") args.insert(args.begin() + 1, {"--allow-file", allow_file});
        args.insert(args.begin(), {certa_bin(), "--store", url});
        return args;
    }

    RunResult issue(const std::vector<std::string>& names, const std::string& challenge) const {
        std::vector<std::string> args{"issue", "--each", "--server", pebble.directory_url(), "--ca-bundle",
                                      pebble.ca_bundle_path(), "--agree-tos", "--challenge", challenge,
                                      "--http-address", "127.0.0.1", "--http-port",
                                      std::to_string(pebble.http01_port())};
        for (const auto& n : names) args.insert(args.end(), {"-d", n});
        RunOptions o;
        o.timeout = std::chrono::seconds(120);
        return run(base(args), o);
    }

    RunResult renew(std::vector<std::string> args) const {
        args.insert(args.begin(), "renew");
        RunOptions o;
        o.timeout = std::chrono::seconds(120);
        return run(base(args), o);
    }

    int orders() const { return count_of(pebble.pebble_log(), "Added order"); }
    std::array<std::uint16_t, 2> serve_ports() const { return {serve_a->port(), serve_b->port()}; }

    std::optional<CertificateRecord> active(const std::string& name) const {
        return store->find_active_certificate(name);
    }

    TempDir dir;
    std::string allow_file = dir.file("allow");
    std::string url;
    PebbleHarness pebble;
    std::unique_ptr<storage::Store> store;
    std::unique_ptr<ServeProcess> serve_a, serve_b;
};

// Waits (bounded) until both serve processes present `der` for `name`.
bool both_serve(const Fleet& f, const std::string& name, const std::string& der, std::chrono::seconds bound) {
    const auto deadline = Clock::now() + bound;
    for (int i = 0; i < 2000 && Clock::now() < deadline; ++i) {
        bool all = true;
        for (auto port : f.serve_ports()) all = all && served_leaf(port, name) == der;
        if (all) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// Watches the store and both serve processes while renewals land: for each
// renewed name, the delay between the new row becoming visible in the store
// and each serve process presenting it in a real handshake.
class PropagationWatch {
public:
    PropagationWatch(const Fleet& fleet, std::map<std::string, std::int64_t> originals)
        : fleet_(fleet), originals_(std::move(originals)), thread_([this] { loop(); }) {}
    ~PropagationWatch() { stop(); }

    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    // Delays in ms per (name, serve); missing entries never propagated.
    std::map<std::pair<std::string, int>, double> delays() const { return delays_; }

private:
    struct Landed {
        std::string der;
        Clock::time_point seen;
    };

    void loop() {
        auto store = storage::open_store(fleet_.url);
        const auto deadline = Clock::now() + std::chrono::seconds(240);
        for (int spin = 0; spin < 100000 && Clock::now() < deadline; ++spin) {
            for (const auto& row : store->list_certificates({})) {
                if (row.names.empty()) continue;
                auto original = originals_.find(row.names.front());
                if (original == originals_.end() || original->second == row.id) continue;
                if (!landed_.count(row.names.front())) landed_[row.names.front()] = {leaf_der(row.chain_pem), Clock::now()};
            }
            const auto ports = fleet_.serve_ports();
            for (const auto& [name, landed] : landed_)
                for (int s = 0; s < 2; ++s)
                    if (!delays_.count({name, s}) && served_leaf(ports[s], name) == landed.der)
                        delays_[{name, s}] = std::chrono::duration<double, std::milli>(Clock::now() - landed.seen).count();
            if (delays_.size() == 2 * originals_.size()) return;
            if (stop_ && Clock::now() > stop_deadline()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    // After stop(), keep watching for a bounded while so late propagation is measured, not lost.
    Clock::time_point stop_deadline() {
        if (!stopped_at_) stopped_at_ = Clock::now();
        return *stopped_at_ + std::chrono::seconds(10);
    }

    const Fleet& fleet_;
    std::map<std::string, std::int64_t> originals_;
    std::map<std::string, Landed> landed_;
    std::map<std::pair<std::string, int>, double> delays_;
    std::optional<Clock::time_point> stopped_at_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace

TEST_CASE("fleet on PostgreSQL: two serve + two renew processes, Pebble") {
    Fleet f;
    const std::vector<std::string> http_names{"h1.fleet.test", "h2.fleet.test", "h3.fleet.test"};
    const std::vector<std::string> alpn_names{"a1.fleet.test", "a2.fleet.test", "a3.fleet.test"};
    const std::string crash_name = "k1.fleet.test";

    // Issued by `certa issue` processes that answer nothing themselves: host B's
    // serve answers http-01 and host A's serve answers tls-alpn-01 from the store.
    auto issued = f.issue({http_names[0], http_names[1], http_names[2], crash_name}, "http-01");
    REQUIRE_MESSAGE(issued.exit_code == 0, (issued.out + issued.err + "\nserve B:\n" + f.serve_b->logs()));
    issued = f.issue(alpn_names, "tls-alpn-01");
    REQUIRE_MESSAGE(issued.exit_code == 0, (issued.out + issued.err + "\nserve A:\n" + f.serve_a->logs()));
    // Pebble validated through the serve processes (no other responder exists).
    for (const auto& name : http_names) CHECK(count_of(f.serve_b->logs(), "http-01: answered a challenge for " + name) >= 1);
    for (const auto& name : alpn_names)
        CHECK(count_of(f.serve_a->logs(), "sni '" + name + "', served challenge certificate") >= 1);

    std::vector<std::string> all_names = http_names;
    all_names.insert(all_names.end(), alpn_names.begin(), alpn_names.end());
    all_names.push_back(crash_name);
    std::map<std::string, std::int64_t> originals;
    storage::UnixTime due = 0;
    for (const auto& name : all_names) {
        auto row = f.active(name);
        REQUIRE_MESSAGE(row, name);
        originals[name] = row->id;
        due = std::max(due, row->not_before + (row->not_after - row->not_before) / 2);
        CHECK(both_serve(f, name, leaf_der(row->chain_pem), std::chrono::seconds(10)));
    }
    const auto accounts_before = f.store->list_accounts();
    REQUIRE(accounts_before.size() == 1);

    // Wait (bounded) until every certificate is due.
    for (int i = 0; i < 600 && now_s() <= due; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(now_s() > due);

    // ---- two renew processes at once: each due certificate ordered exactly once
    const int orders_before = f.orders();
    {
        PropagationWatch watch(f, originals);
        std::array<RunResult, 2> results;
        {
            std::vector<std::jthread> hosts;
            for (int h = 0; h < 2; ++h) hosts.emplace_back([&, h] { results[h] = f.renew({"--lease-ttl", "30"}); });
        }
        int renewed = 0;
        for (const auto& r : results) {
            CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
            renewed += count_of(r.out, ": renewed (expires ");
        }
        CHECK(renewed == static_cast<int>(all_names.size()));
        CHECK(f.orders() - orders_before == static_cast<int>(all_names.size()));
        watch.stop();

        const auto delays = watch.delays();
        double worst = 0;
        for (const auto& name : all_names)
            for (int s = 0; s < 2; ++s) {
                auto it = delays.find({name, s});
                CHECK_MESSAGE(it != delays.end(), name << " never reached serve " << (s ? "B" : "A"));
                if (it != delays.end()) worst = std::max(worst, it->second);
            }
        std::vector<double> sorted;
        for (const auto& [key, ms] : delays) sorted.push_back(ms);
        std::sort(sorted.begin(), sorted.end());
        if (!sorted.empty())
            MESSAGE("renewal visible in the store -> served by both serve processes: median "
                    << sorted[sorted.size() / 2] << " ms, max " << worst << " ms over " << sorted.size()
                    << " (name, serve) pairs");
        // Issue 7: every agent serves a renewed certificate within 1 s. Serve
        // polls the store every 100 ms (PostgreSQL NOTIFY makes the poll cheap),
        // so 1 s leaves a 10x margin even on a loaded machine; the delay is
        // measured from the row becoming visible to this process's own poll.
        CHECK(worst < 1000.0);
    }
    for (const auto& name : all_names) {
        auto old_row = f.store->get_certificate(originals[name]);
        REQUIRE(old_row);
        CHECK(old_row->status == storage::CertificateStatus::Replaced);
        auto now_active = f.active(name);
        REQUIRE(now_active);
        CHECK(old_row->replaced_by == now_active->id);
        storage::CertificateFilter every;
        every.include_inactive = true;
        every.name = name;
        CHECK(f.store->list_certificates(every).size() == 2);  // the original and exactly one renewal
    }

    // ---- kill -9 one host's renewer in the middle of an order
    auto before_crash = f.active(crash_name);
    REQUIRE(before_crash);
    int orders_before_crash = f.orders();
    // Host B's serve answers http-01; stopped, Pebble's validation request hangs
    // and the renewer is held inside its order (challenge written, not finalized).
    REQUIRE(::kill(f.serve_b->process().pid(), SIGSTOP) == 0);
    // Pebble 2.4 reuses a valid authorization 1 time in 100 even with
    // PEBBLE_AUTHZREUSE=0 (wfe.go: a new one only when rand.Intn(100) >
    // authzReusePercent): that order needs no challenge and host A completes
    // it. Then the renewal was real (it becomes the certificate the crash
    // must keep), and host A tries again, at most 3 times.
    for (int run = 0; run < 3; ++run) {
        // Its lease outlives what the test does before `blocked` below (the
        // keeper renews it every third of the TTL, so ~2/3 of it is left at the stop).
        Background host_a(f.base({"renew", "--force", "-d", crash_name, "--lease-ttl", "10"}));
        bool mid_order = false;
        for (int i = 0; i < 1500 && !mid_order && host_a.running(); ++i) {
            for (const auto& c : f.store->active_challenges(storage::ChallengeType::Http01))
                mid_order = mid_order || c.identifier == crash_name;
            if (!mid_order) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        // Frozen the moment its challenge row is seen, so nothing that
        // happens next (a validation timeout on a loaded machine, say) can
        // move it on before the kill: killed mid-order, deterministically.
        if (mid_order) ::kill(host_a.pid(), SIGSTOP);
        if (!mid_order && !host_a.running() && run < 2) {
            const auto exited = host_a.stop(SIGKILL);  // reaped already: its own exit status
            auto now_active = f.active(crash_name);
            if (exited.exit_code == 0 && now_active && now_active->id != before_crash->id) {
                MESSAGE("Pebble reused a valid authorization (no challenge): host A renews again");
                before_crash = now_active;
                orders_before_crash = f.orders();
                continue;
            }
        }
        CHECK(mid_order);
        CHECK_MESSAGE(host_a.running(), "the renewer exited before the kill:\n" << host_a.out() << host_a.err());
        host_a.stop(SIGKILL);
        break;
    }
    REQUIRE(::kill(f.serve_b->process().pid(), SIGCONT) == 0);
    CHECK(f.orders() - orders_before_crash == 1);
    // Nothing was lost: the old certificate is still active and served.
    const auto after_kill = f.active(crash_name);
    REQUIRE(after_kill);
    CHECK(after_kill->id == before_crash->id);

    // Host B: the dead renewer's lease holds until its TTL (10 s), then runs out.
    auto blocked = f.renew({"--force", "-d", crash_name, "--lease-ttl", "5"});
    CHECK_MESSAGE(blocked.out.find("being renewed by") != std::string::npos, (blocked.out + blocked.err));
    RunResult completed;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    for (int attempt = 0; attempt < 30 && Clock::now() < deadline; ++attempt) {
        completed = f.renew({"--force", "-d", crash_name, "--lease-ttl", "5"});
        if (completed.out.find(": renewed (expires ") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    CHECK_MESSAGE(completed.out.find(crash_name + ": renewed (expires ") != std::string::npos,
                  (completed.out + completed.err));
    const auto renewed = f.active(crash_name);
    REQUIRE(renewed);
    CHECK(renewed->id != before_crash->id);
    const auto old_row = f.store->get_certificate(before_crash->id);
    REQUIRE(old_row);
    CHECK(old_row->status == storage::CertificateStatus::Replaced);
    CHECK(old_row->replaced_by == renewed->id);
    CHECK(both_serve(f, crash_name, leaf_der(renewed->chain_pem), std::chrono::seconds(10)));
    // No account key lost or duplicated: the same single account signed everything.
    const auto accounts_after = f.store->list_accounts();
    REQUIRE(accounts_after.size() == 1);
    CHECK(accounts_after.front().id == accounts_before.front().id);
    CHECK(accounts_after.front().key_pem == accounts_before.front().key_pem);
    CHECK(renewed->account_id == accounts_before.front().id);
    CHECK(f.store->integrity_check() == "ok");
}
