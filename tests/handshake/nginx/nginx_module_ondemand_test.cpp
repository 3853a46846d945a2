// On-demand issuance through nginx (certa_on_demand) with real parts: Debian's
// nginx with ngx_http_certa_module (workers as www-data, store read-only),
// `certa worker --request-socket` (root, the ACME side) and Pebble, whose
// tls-alpn-01 validation nginx itself answers from the store.
//   - A name the store lacks, allowed by the worker's --allow: the client's
//     first handshake waits while the worker orders it, then verifies with
//     the new leaf (openssl s_client against Pebble's root, and curl).
//   - Meanwhile another connection, for a name the store holds, completes
//     its handshake in under a second: the wait blocks no worker.
//   - A name no rule allows: the handshake falls back at once to the
//     block's own certificate; the worker answers "deny" (its metrics), and
//     the store gets no request and no certificate. An allowed name whose
//     block (picked by a regex server_name) lacks certa_on_demand: no ask.
//   - A name left to the worker's --ask endpoint, which says no: the first
//     answer is "wait" (the check runs), the next ask (500 ms later) gets
//     "deny", and the handshake goes on long before wait=30s.
#include "GroupSharedStore.hpp"
#include "NginxConf.hpp"
#include "NginxInstance.hpp"
#include "TlsProbe.hpp"

#include "tests/handshake/AskServer.hpp"
#include "tests/support/PebbleHarness.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

using namespace certa;
using namespace certa::test;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool wait_for_text(Background& process, const std::string& text, std::chrono::seconds bound) {
    const auto deadline = Clock::now() + bound;
    while (Clock::now() < deadline) {
        if (process.err().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// The value of the worker's certa_worker_ondemand_requests_total{answer="ANSWER"} (-1: absent).
long answers(int metrics_port, const std::string& answer) {
    auto r = run({"curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics"});
    const std::string series = "certa_worker_ondemand_requests_total{answer=\"" + answer + "\"} ";
    const auto at = r.out.find(series);
    return at == std::string::npos ? -1 : std::stol(r.out.substr(at + series.size()));
}

// Pebble, a group-shared store holding known.example.test, `certa worker
// --request-socket` (allowing *.demand.example.test, and with `ask` its --ask
// endpoint for every other name) and nginx with certa_on_demand wait=30s.
struct OnDemandNginx {
    int port = free_tcp_port();
    std::unique_ptr<PebbleHarness> pebble;
    GroupSharedStore shared;
    TestCert fallback = make_self_signed({"fallback.example.test"});
    std::string root, socket = shared.dir() + "/worker.sock";
    int metrics_port = free_tcp_port();
    std::unique_ptr<Background> worker;
    std::unique_ptr<NginxInstance> nginx;

    explicit OnDemandNginx(const AskServer* ask = nullptr) {
        PebbleOptions pebble_options;
        pebble_options.tlsalpn01_port = port;  // nginx answers the challenge on its own port
        pebble = std::make_unique<PebbleHarness>(pebble_options);
        root = shared.write_file("pebble-root.pem", pebble->root_pem());
        shared.put({"known.example.test"});
        ServerBlock block;
        block.port = port;
        block.fallback_cert = shared.write_file("fallback.pem", fallback.chain_pem);
        block.fallback_key = shared.write_file("fallback.key", fallback.key_pem);
        block.extra = "    certa_on_demand " + socket + " wait=30s;\n";
        shared.close();  // from here on only certa worker writes the store
        std::vector<std::string> argv{certa_bin(), "--store", shared.path(), "--log-level", "info", "worker",
                                      "--server", pebble->directory_url(), "--ca-bundle", pebble->ca_bundle_path(),
                                      "--agree-tos", "--email", "admin@example.com", "--renew-every", "3600",
                                      "--request-socket", socket, "--request-group", "www-data", "--allow",
                                      "*.demand.example.test", "--metrics", "127.0.0.1:" + std::to_string(metrics_port)};
        if (ask) argv.insert(argv.end(), {"--ask", ask->url()});
        worker = std::make_unique<Background>(argv);
        REQUIRE_MESSAGE(wait_for_text(*worker, "on-demand requests on", std::chrono::seconds(10)), worker->err());
        // A block nginx picks by a regular expression, without certa_on_demand.
        ServerBlock nowait = block;
        nowait.server_name = "~^nowait\\.";
        nowait.default_server = false;
        nowait.extra = "";
        nginx = std::make_unique<NginxInstance>(shared.path(), server_block(block) + server_block(nowait));
        REQUIRE_MESSAGE(nginx->start(port), nginx->error_log());
    }

    // nginx stops cleanly, then the worker; nothing secret in its log.
    void stop() {
        auto stopped = nginx->signal("stop");
        CHECK_MESSAGE(stopped.exit_code == 0, stopped.err);
        CHECK(nginx->wait_exit(std::chrono::seconds(10)).exit_code == 0);
        CHECK(nginx->error_log().find("[alert]") == std::string::npos);
        CHECK(worker->stop(SIGTERM).exit_code == 0);
        CHECK(worker->err().find("PRIVATE KEY") == std::string::npos);
    }
};

}  // namespace

TEST_CASE("certa_on_demand: a name no rule allows falls back at once, and nothing is requested") {
    OnDemandNginx s;
    struct stat st {};
    REQUIRE(::stat(s.socket.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0660);
    CHECK(st.st_gid == GroupSharedStore::www_data_gid());

    const auto start = Clock::now();
    auto refused = tls_probe(s.port, probe("other.example.test"));
    const double took = seconds_since(start);
    MESSAGE("disallowed name: handshake in " << took * 1000 << " ms");
    CHECK(refused.names == std::vector<std::string>{"fallback.example.test"});
    CHECK(took < 1.0);
    CHECK(answers(s.metrics_port, "deny") == 1);
    CHECK(answers(s.metrics_port, "wait") == 0);
    // Allowed by the worker, but its block (a regex server_name) has no certa_on_demand: nothing asked.
    const auto again = Clock::now();
    CHECK(tls_probe(s.port, probe("nowait.demand.example.test")).names ==
          std::vector<std::string>{"fallback.example.test"});
    CHECK(seconds_since(again) < 1.0);
    CHECK(answers(s.metrics_port, "wait") == 0);
    CHECK(answers(s.metrics_port, "deny") == 1);
    s.shared.reopen();
    CHECK_FALSE(s.shared.store().find_active_certificate("other.example.test"));
    for (const auto& request : s.shared.store().due_issuance_requests(100)) CHECK(request.name != "other.example.test");
    s.stop();
}

TEST_CASE("certa_on_demand: a name the --ask endpoint refuses ends its wait at the next ask, not at wait=30s") {
    AskServer ask({});  // says no to every name
    OnDemandNginx s(&ask);
    const auto start = Clock::now();
    auto refused = tls_probe(s.port, probe("asked.example.test"));
    const double took = seconds_since(start);
    MESSAGE("name refused by --ask: handshake in " << took * 1000 << " ms");
    CHECK(refused.names == std::vector<std::string>{"fallback.example.test"});
    CHECK(took < 3.0);
    CHECK(ask.asked("asked.example.test") == 1);
    CHECK(answers(s.metrics_port, "wait") == 1);
    CHECK(answers(s.metrics_port, "deny") >= 1);
    s.stop();
}

TEST_CASE("certa_on_demand: an allowed new name waits for Pebble's certificate and verifies; a known name meanwhile < 1 s") {
    OnDemandNginx s;
    const std::string name = "new.demand.example.test";
    const auto start = Clock::now();
    auto first = std::async(std::launch::async, [&] { return s_client(s.port, name, s.root); });
    int known = 0;
    double slowest_known = 0;
    while (first.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        const auto t = Clock::now();
        auto served = tls_probe(s.port, probe("known.example.test"));
        slowest_known = std::max(slowest_known, seconds_since(t));
        CHECK(served.names == std::vector<std::string>{"known.example.test"});
        ++known;
    }
    auto verified = first.get();
    const double waited = seconds_since(start);
    MESSAGE("on-demand handshake in " << waited * 1000 << " ms; " << known
                                      << " known-name handshakes meanwhile, the slowest " << slowest_known * 1000
                                      << " ms");
    CHECK_MESSAGE(verified.exit_code == 0, verified.err << "\nworker:\n" << s.worker->err() << "\nnginx:\n"
                                                        << s.nginx->error_log());
    CHECK(verified.err.find("Verification: OK") != std::string::npos);
    CHECK(known >= 1);
    CHECK(slowest_known < 1.0);
    auto body = curl(s.port, name, s.root);
    CHECK_MESSAGE(body.exit_code == 0, body.err);
    CHECK(body.out == "certa-nginx\n");
    CHECK(tls_probe(s.port, probe(name)).names == std::vector<std::string>{name});
    CHECK(answers(s.metrics_port, "wait") >= 1);  // asked again every 500 ms while it waits
    CHECK(answers(s.metrics_port, "deny") == 0);
    CHECK(s.nginx->error_log().find("certa_on_demand: \"" + name + "\" issued after") != std::string::npos);
    s.stop();
}
