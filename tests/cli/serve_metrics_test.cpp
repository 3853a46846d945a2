// `certa serve --metrics`: the real daemon on loopback over a real SQLite
// store, real TLS handshakes (openssl s_client), scraped with curl; the text
// is checked by promtool and the counters are seen to move.
#include "tests/cli/metrics/Promtool.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/handshake/StoreFiller.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

using namespace certa;
using namespace certa::test;
using namespace certa::test::cli;

namespace {

struct Scrape {
    std::string headers;  // status line and headers, CRLF-separated
    std::string body;
};

// GET (or `method`) http://127.0.0.1:PORT/PATH with the curl binary.
Scrape scrape(std::uint16_t port, const std::string& path = "/metrics", const std::string& method = "GET") {
    RunOptions options;
    options.timeout = std::chrono::milliseconds(20000);
    const RunResult r = run({"curl", "-sS", "-i", "--max-time", "10", "-X", method,
                             "http://127.0.0.1:" + std::to_string(port) + path},
                            options);
    REQUIRE_MESSAGE(r.exit_code == 0, "curl: " << r.err);
    const auto split = r.out.find("\r\n\r\n");
    REQUIRE(split != std::string::npos);
    return {r.out.substr(0, split + 2), r.out.substr(split + 4)};
}

struct Fixture {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(path);
    std::unique_ptr<ServeProcess> serve;
    std::uint16_t metrics_port = 0;

    void start(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"--metrics", "127.0.0.1:0"});
        serve = std::make_unique<ServeProcess>(path, args);
        metrics_port = wait_for_port([this] { return serve->logs(); }, "serve: metrics on http://127.0.0.1:",
                                     std::chrono::seconds(10));
        REQUIRE_MESSAGE(metrics_port != 0, serve->logs());
    }
    // Scrapes until `series` has at least `at_least` (bounded: 10 s), returns the last body.
    std::string scrape_until(const std::string& series, double at_least) {
        std::string body;
        for (int i = 0; i < 200; ++i) {
            body = scrape(metrics_port).body;
            if (sample_value(body, series) >= at_least) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return body;
    }
};

const std::string kServed = "certa_handshakes_total{outcome=\"served\"}";
const std::string kUnknown = "certa_handshakes_total{outcome=\"unknown_name\"}";
const std::string kChallenge = "certa_handshakes_total{outcome=\"challenge\"}";
const std::string kNoChallenge = "certa_handshakes_total{outcome=\"no_challenge\"}";

// A loopback TCP port held by a listening socket of this process.
class HeldPort {
public:
    HeldPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 1) == 0);
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
        port_ = ntohs(addr.sin_port);
    }
    ~HeldPort() { ::close(fd_); }
    HeldPort(const HeldPort&) = delete;
    HeldPort& operator=(const HeldPort&) = delete;
    std::uint16_t port() const { return port_; }

private:
    int fd_;
    std::uint16_t port_ = 0;
};

}  // namespace

TEST_CASE("scrape after real handshakes: counters move, store gauges, promtool accepts it") {
    Fixture f;
    const auto served = put_test_cert(*f.store, {"served.test"});
    f.start();

    const Scrape first = scrape(f.metrics_port);
    CHECK(first.headers.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(first.headers.find("Content-Type: text/plain; version=0.0.4\r\n") != std::string::npos);
    require_promtool_accepts(first.body);
    CHECK(sample_value(first.body, kServed) == 0);
    CHECK(sample_value(first.body, kUnknown) == 0);
    CHECK(sample_value(first.body, "certa_agent_paused_handshakes_total") == 0);  // exported (issue 23)
    CHECK(sample_value(first.body, "certa_agent_preparse_backlog") >= 0);        // exported (a gauge, falls to 0)
    CHECK(sample_value(first.body, "certa_certificates") == 1);
    CHECK(sample_value(first.body, "certa_certificate_not_after_timestamp_seconds{id=\"" + std::to_string(served.id) +
                                       "\",name=\"served.test\"}") ==
          static_cast<double>(f.store->get_certificate(served.id)->not_after));
    CHECK(sample_value(first.body, "certa_store_up") == 1);
    CHECK(sample_value(first.body, "certa_agent_loaded_generation") ==
          static_cast<double>(f.store->current_generation()));
    CHECK(sample_value(first.body, "certa_agent_reload_lag_seconds") == 0);

    for (int i = 0; i < 2; ++i) CHECK(s_client(f.serve->port(), "served.test").out.find("BEGIN CERTIFICATE") != std::string::npos);
    CHECK(s_client(f.serve->port(), "nobody.test").out.find("BEGIN CERTIFICATE") == std::string::npos);
    CHECK(s_client(f.serve->port(), "nobody.test", "acme-tls/1").out.find("BEGIN CERTIFICATE") == std::string::npos);
    {
        TcpClient junk(f.serve->port());  // not TLS at all
        junk.send_all(std::string(64, 'x'));
        junk.read_to_end();
    }
    // A challenge written by another process is picked up and answered.
    f.store->put_challenge(make_challenge_row("served.test"));
    const auto generation = static_cast<double>(f.store->current_generation());
    f.scrape_until("certa_agent_loaded_generation", generation);
    CHECK(s_client(f.serve->port(), "served.test", "acme-tls/1").out.find("BEGIN CERTIFICATE") != std::string::npos);

    const std::string after = f.scrape_until("certa_connections_closed_total{reason=\"no_client_hello\"}", 1);
    require_promtool_accepts(after);
    CHECK(sample_value(after, kServed) == 2);
    CHECK(sample_value(after, kUnknown) == 1);
    CHECK(sample_value(after, kNoChallenge) == 1);
    CHECK(sample_value(after, kChallenge) == 1);
    CHECK(sample_value(after, "certa_connections_closed_total{reason=\"no_client_hello\"}") == 1);
    CHECK(sample_value(after, "certa_agent_loaded_generation") == generation);
    CHECK(sample_value(after, "certa_store_generation") == generation);
    CHECK(after.find("PRIVATE KEY") == std::string::npos);

    SUBCASE("other paths and methods") {
        CHECK(scrape(f.metrics_port, "/").headers.rfind("HTTP/1.1 404", 0) == 0);
        const Scrape post = scrape(f.metrics_port, "/metrics", "POST");
        CHECK(post.headers.rfind("HTTP/1.1 405", 0) == 0);
        CHECK(post.headers.find("Allow: GET, HEAD") != std::string::npos);
    }
    SUBCASE("SIGTERM stops the endpoint with the daemon") {
        CHECK(f.serve->process().stop(SIGTERM).exit_code == 0);
    }
}

TEST_CASE("on-demand outcomes: waited (and timed out), refused; the request is seen in the store") {
    Fixture f;
    f.start({"--on-demand", "--allow", "*.ok.test", "--on-demand-wait", "1"});
    CHECK(s_client(f.serve->port(), "a.ok.test").out.find("BEGIN CERTIFICATE") == std::string::npos);
    CHECK(s_client(f.serve->port(), "evil.test").out.find("BEGIN CERTIFICATE") == std::string::npos);
    const std::string body = f.scrape_until("certa_ondemand_requests{state=\"due\"}", 1);
    require_promtool_accepts(body);
    CHECK(sample_value(body, "certa_ondemand_handshakes_total{outcome=\"waited\"}") == 1);
    CHECK(sample_value(body, "certa_ondemand_handshakes_total{outcome=\"timed_out\"}") == 1);
    CHECK(sample_value(body, "certa_ondemand_handshakes_total{outcome=\"refused\"}") == 1);
    CHECK(sample_value(body, "certa_ondemand_requests{state=\"due\"}") == 1);  // nobody issues here
    CHECK(sample_value(body, "certa_ondemand_queue_length") == 0);
    CHECK(sample_value(body, kUnknown) == 2);  // neither got a certificate
}

TEST_CASE("--metrics: an address in use is one error line and exit 1; a bad one is a usage error") {
    TempDir dir;
    HeldPort held;
    const std::string address = "127.0.0.1:" + std::to_string(held.port());
    RunOptions options;
    options.timeout = std::chrono::milliseconds(20000);
    auto r = run({certa_bin(), "--store", dir.file("certa.db"), "serve", "--listen", "127.0.0.1:0", "--metrics",
                  address},
                 options);
    CHECK(r.exit_code == 1);
    const std::string expected = "certa: --metrics: cannot listen on " + address + ": Address already in use\n";
    CHECK_MESSAGE(r.err.find(expected) != std::string::npos, r.err);
    CHECK(r.err.find("certa: ") == r.err.rfind("certa: "));  // exactly one error line

    auto bad = run({certa_bin(), "--store", dir.file("certa.db"), "serve", "--listen", "127.0.0.1:0", "--metrics",
                    "9100"},
                   options);
    CHECK(bad.exit_code == 2);
    auto name = run({certa_bin(), "--store", dir.file("certa.db"), "serve", "--listen", "127.0.0.1:0", "--metrics",
                     "localhost:0"},
                    options);
    CHECK(name.exit_code == 1);
    CHECK(name.err.find("certa: --metrics: cannot listen on localhost:0: an IP address is expected") !=
          std::string::npos);
}
