// `certa worker` against a real Pebble: a `certa serve --on-demand` without
// --server (as nginx's module, it only records requests and serves from the
// store) gets its on-demand certificate from the worker; the worker renews
// it once it is due (short-lived Pebble certificates), counts it in its
// metrics, and stops cleanly on SIGTERM. With two --server and the first CA
// stopped, the second issues the on-demand certificate (CA failover).
#include "tests/handshake/OnDemandFixture.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <functional>
#include <thread>

using namespace certa;
using namespace certa::test;

namespace {

std::string worker_logs(Background& worker) { return worker.err(); }

bool wait_for(const std::function<bool()>& done, std::chrono::seconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
}

}  // namespace

TEST_CASE("certa worker fulfils what a serve without --server records, renews it when due, stops on SIGTERM") {
    PebbleOptions pebble_options;
    pebble_options.validity_seconds = 15;  // due after 10 s (the last third of the lifetime)
    PebbleHarness pebble(pebble_options);
    TempDir dir;
    const std::string store = dir.file("certa.db");
    ServeProcess serve(store, {"--listen", "127.0.0.1:" + std::to_string(pebble.tlsalpn01_port()), "--on-demand",
                               "--allow", "*.worker.example.test", "--on-demand-wait", "30"});
    CHECK(serve.wait_for_log("certa worker (or certa serve --server) fulfils them", std::chrono::seconds(5)));

    const int metrics_port = free_tcp_port();
    Background worker({certa_bin(), "--store", store, "--log-level", "info", "worker", "--server", pebble.directory_url(), "--ca-bundle",
                       pebble.ca_bundle_path(), "--agree-tos", "--renew-every", "1", "--metrics",
                       "127.0.0.1:" + std::to_string(metrics_port)});

    // The first handshake for an allowed name waits while the worker orders it.
    auto leaf = leaf_for(serve.port(), "a.worker.example.test");
    REQUIRE_MESSAGE(leaf, serve.logs() << "\nworker:\n" << worker_logs(worker));
    CHECK(san_names(leaf.get()) == std::vector<std::string>{"a.worker.example.test"});
    auto first = storage::open_store(store)->find_active_certificate("a.worker.example.test");
    REQUIRE(first);

    // Due after 10 s: a renewal pass (every second) renews it.
    const bool renewed = wait_for(
        [&] {
            auto now = storage::open_store(store)->find_active_certificate("a.worker.example.test");
            return now && now->id != first->id;
        },
        std::chrono::seconds(40));
    CHECK_MESSAGE(renewed, worker_logs(worker));
    // The row commits a few ms before the worker logs (its event, the lease's
    // release and the schedule come in between): wait for the line, bounded.
    CHECK(wait_for([&] { return worker_logs(worker).find("a.worker.example.test: renewed (expires ") != std::string::npos; },
                   std::chrono::seconds(10)));
    auto old_row = storage::open_store(store)->get_certificate(first->id);
    REQUIRE(old_row);
    CHECK(old_row->status == storage::CertificateStatus::Replaced);

    // The metrics endpoint: the store's families and the worker's counters.
    auto scraped = run({"curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics"});
    CHECK_MESSAGE(scraped.exit_code == 0, scraped.err);
    CHECK(scraped.out.find("certa_worker_renewed_total 1") != std::string::npos);
    CHECK(scraped.out.find("certa_worker_renewal_passes_total ") != std::string::npos);
    CHECK(scraped.out.find("certa_certificate_not_after_timestamp_seconds{") != std::string::npos);

    CHECK(worker.running());
    auto stopped = worker.stop(SIGTERM);
    CHECK(stopped.exit_code == 0);
    CHECK(worker_logs(worker).find("worker: stopping") != std::string::npos);
    // Nothing secret in the worker's log: no PEM, no key.
    CHECK(worker_logs(worker).find("PRIVATE KEY") == std::string::npos);
}

TEST_CASE("certa worker: a bad flag is a usage error; without --server it only renews") {
    TempDir dir;
    const std::string store = dir.file("certa.db");
    auto bad = run_certa({"--store", store, "worker", "--renew-every", "0"});
    CHECK(bad.exit_code == 2);
    auto no_tos = run_certa({"--store", store, "worker", "--metrics", "nonsense"});
    CHECK(no_tos.exit_code == 2);
    CHECK(no_tos.err.find("--metrics") != std::string::npos);

    Background worker({certa_bin(), "--store", store, "--log-level", "info", "worker", "--renew-every", "1"});
    CHECK(wait_for([&] { return worker.err().find("no --server, so on-demand requests wait") != std::string::npos; },
                   std::chrono::seconds(10)));
    CHECK(worker.stop(SIGINT).exit_code == 0);
}

TEST_CASE("certa worker: on-demand with two CAs, the first stopped: the second issues, the list is recorded") {
    PebbleHarness a;
    PebbleOptions second;
    second.tlsalpn01_port = a.tlsalpn01_port();  // both CAs validate tls-alpn-01 at the same serve
    PebbleHarness b(second);
    TempDir dir;
    const std::string store = dir.file("certa.db"), bundle = dir.file("ca-bundle.pem");
    run({"sh", "-c", "cat '" + a.ca_bundle_path() + "' '" + b.ca_bundle_path() + "' > '" + bundle + "'"});
    const std::string a_url = a.directory_url(), b_url = b.directory_url();
    a.stop_pebble();
    ServeProcess serve(store, {"--listen", "127.0.0.1:" + std::to_string(a.tlsalpn01_port()), "--on-demand",
                               "--allow", "*.failover.example.test", "--on-demand-wait", "30"});
    Background worker({certa_bin(), "--store", store, "--log-level", "info", "worker", "--server", a_url, "--server",
                       b_url, "--ca-bundle", bundle, "--agree-tos", "--renew-every", "60"});
    CHECK(wait_for([&] { return worker.err().find(a_url + ", then " + b_url) != std::string::npos; },
                   std::chrono::seconds(5)));

    auto leaf = leaf_for(serve.port(), "x.failover.example.test");
    REQUIRE_MESSAGE(leaf, serve.logs() << "\nworker:\n" << worker_logs(worker));
    auto row = storage::open_store(store)->find_active_certificate("x.failover.example.test");
    REQUIRE(row);
    CHECK(row->server == b_url);
    const auto recorded = row->settings_json.find("\"servers\"");
    REQUIRE(recorded != std::string::npos);
    CHECK(row->settings_json.find(a_url, recorded) != std::string::npos);
    CHECK(row->settings_json.find(b_url, recorded) != std::string::npos);
    CHECK(worker.stop(SIGTERM).exit_code == 0);
}
