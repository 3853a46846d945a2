// `certa serve` on a PostgreSQL store that pauses (issue 23: "PostgreSQL
// pauses"): the real daemon with one io thread and a cache of one certificate;
// another session holds the certificates table (LOCK ... ACCESS EXCLUSIVE), so
// the row read for a cold name waits. The cold handshake pauses
// (pause_on_miss: SSL_CLIENT_HELLO_RETRY) while its row loads on a loader
// thread, and the same single io thread keeps completing hot-name handshakes;
// once the lock goes, the cold one completes with its certificate. Each case
// waits for the agent's background pre-parse to finish (the metrics endpoint)
// before it takes the lock, so that only its own handshakes decide what is
// held parsed. (jthreads: a failed REQUIRE still joins the client.)
#include "ServeProcess.hpp"
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "storage/Store.hpp"
#include "tests/support/PostgresHarness.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <openssl/err.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

using namespace certa;
using namespace certa::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// One real TLS handshake to 127.0.0.1:port with SNI `name` (the socket
// times out after 10 s); the serial of the leaf served ("" when it failed).
std::string served_serial(std::uint16_t port, const std::string& name) {
    auto ctx = make_client_ctx();
    TcpClient tcp(port);
    if (tcp.fd() < 0) return {};
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), tcp.fd());
    SSL_set_tlsext_host_name(ssl.get(), name.c_str());
    if (SSL_connect(ssl.get()) != 1) {
        ERR_clear_error();
        return {};
    }
    ossl::X509Ptr peer(SSL_get1_peer_certificate(ssl.get()));
    SSL_shutdown(ssl.get());
    ERR_clear_error();
    return serial_of(peer.get());
}

// The serve arguments of these cases: one io thread, one certificate held
// parsed, and a metrics endpoint for pre-parse_done().
std::vector<std::string> serve_args(std::vector<std::string> more = {}) {
    std::vector<std::string> args{"--threads", "1", "--cache-size", "1", "--metrics", "127.0.0.1:0"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// Waits (bounded) until the agent's background pre-parse has visited every
// row. Until then, which names are held parsed is not the test's alone: a
// pre-parse load of the cold name still running (its thread is at nice 19,
// slow on a loaded machine) when the table is locked would hand the cold
// handshake its certificate without a store read.
bool preparse_done(const ServeProcess& serve) {
    const std::uint16_t port =
        wait_for_port([&] { return serve.logs(); }, "serve: metrics on http://127.0.0.1:", std::chrono::seconds(5));
    if (port == 0) return false;
    for (int i = 0; i < 300; ++i) {  // bounded: 300 scrapes, 20 ms apart
        const auto r = run({"curl", "-sS", "--max-time", "2", "http://127.0.0.1:" + std::to_string(port) + "/metrics"});
        if (r.out.find("\ncerta_agent_preparse_backlog 0\n") != std::string::npos) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

// A libpq session of the test's own (the one that holds the lock).
class PgSession {
public:
    explicit PgSession(const std::string& url) : conn_(PQconnectdb(url.c_str()), &PQfinish) {
        REQUIRE_MESSAGE(PQstatus(conn_.get()) == CONNECTION_OK, PQerrorMessage(conn_.get()));
    }
    void exec(const std::string& sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), sql.c_str()), &PQclear);
        REQUIRE_MESSAGE(PQresultStatus(r.get()) == PGRES_COMMAND_OK, PQerrorMessage(conn_.get()));
    }
    // Waits (bounded: 300 polls, 10 ms apart) until another session waits on a lock.
    bool wait_for_lock_waiter() {
        for (int i = 0; i < 300; ++i) {
            if (count("SELECT count(*) FROM pg_locks WHERE NOT granted") > 0) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    long count(const std::string& sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), sql.c_str()), &PQclear);
        REQUIRE_MESSAGE(PQresultStatus(r.get()) == PGRES_TUPLES_OK, PQerrorMessage(conn_.get()));
        return std::stol(PQgetvalue(r.get(), 0, 0));
    }

private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

}  // namespace

TEST_CASE("serve --threads 1 on PostgreSQL: hot names are served while a cold name's row read waits on a lock") {
    const std::string url = PostgresHarness::shared().create_database();
    auto writer = storage::open_store(url);
    const auto hot = put_test_cert(*writer, {"hot.pg.test"});
    const auto cold = put_test_cert(*writer, {"cold.pg.test"});
    put_test_cert(*writer, {"third.pg.test"});
    ServeProcess serve(url, serve_args());

    // The hot name is held parsed (the cache holds one: the last one used).
    REQUIRE(served_serial(serve.port(), "hot.pg.test") == serial_of_pem(hot.cert.cert_pem));
    REQUIRE(served_serial(serve.port(), "hot.pg.test") == serial_of_pem(hot.cert.cert_pem));
    REQUIRE_MESSAGE(preparse_done(serve), serve.logs());

    PgSession locker(url);
    locker.exec("BEGIN");
    locker.exec("LOCK TABLE certificates IN ACCESS EXCLUSIVE MODE");
    const auto locked_at = Clock::now();

    std::atomic<bool> cold_done{false};
    std::string cold_serial;
    std::jthread cold_client([&] {
        cold_serial = served_serial(serve.port(), "cold.pg.test");
        cold_done = true;
    });
    // Until the daemon's row read for the cold name waits on the lock.
    CHECK_MESSAGE(locker.wait_for_lock_waiter(), serve.logs());

    // The single io thread is free: each hot handshake completes at once.
    for (int i = 0; i < 3; ++i) {
        const auto t0 = Clock::now();
        const std::string serial = served_serial(serve.port(), "hot.pg.test");
        const auto took = Clock::now() - t0;
        CHECK(serial == serial_of_pem(hot.cert.cert_pem));
        MESSAGE("hot handshake " << i << " while the cold one waits: "
                                 << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
        CHECK(took < 2s);
    }
    CHECK_FALSE(cold_done.load());  // still waiting for its row
    // Well inside the store's lock_timeout (5 s), after which the read would fail.
    CHECK(Clock::now() - locked_at < 4s);

    locker.exec("COMMIT");
    cold_client.join();  // bounded by the client socket's 10 s timeout
    CHECK(cold_done.load());
    CHECK_MESSAGE(cold_serial == serial_of_pem(cold.cert.cert_pem), serve.logs());
    // The hot name is still served after the cold one replaced it in the cache.
    CHECK(served_serial(serve.port(), "hot.pg.test") == serial_of_pem(hot.cert.cert_pem));
    CHECK(serve.process().running());
}

TEST_CASE("serve: a paused handshake whose row stays locked past --handshake-timeout is closed; serving goes on") {
    const std::string url = PostgresHarness::shared().create_database();
    auto writer = storage::open_store(url);
    const auto hot = put_test_cert(*writer, {"hot.pg.test"});
    const auto cold = put_test_cert(*writer, {"cold.pg.test"});
    ServeProcess serve(url, serve_args({"--handshake-timeout", "1"}));
    REQUIRE(served_serial(serve.port(), "hot.pg.test") == serial_of_pem(hot.cert.cert_pem));
    REQUIRE_MESSAGE(preparse_done(serve), serve.logs());

    PgSession locker(url);
    locker.exec("BEGIN");
    locker.exec("LOCK TABLE certificates IN ACCESS EXCLUSIVE MODE");
    const auto t0 = Clock::now();
    const std::string cold_serial = served_serial(serve.port(), "cold.pg.test");
    const auto took = Clock::now() - t0;
    CHECK(cold_serial.empty());  // closed at the deadline, not served
    CHECK(took < 4s);            // at the 1 s deadline, before the 5 s lock_timeout ends the read
    CHECK(serve.wait_for_log("TLS handshake timed out", 5s));
    CHECK(served_serial(serve.port(), "hot.pg.test") == serial_of_pem(hot.cert.cert_pem));
    locker.exec("COMMIT");
    // The load finishes late and finds nothing to resume; the next handshake is served from the cache.
    std::string later;
    for (int i = 0; i < 50 && later.empty(); ++i) {  // bounded: the load may still be finishing
        later = served_serial(serve.port(), "cold.pg.test");
        if (later.empty()) std::this_thread::sleep_for(100ms);
    }
    CHECK(later == serial_of_pem(cold.cert.cert_pem));
    CHECK(serve.process().running());
}

TEST_CASE("serve: SIGTERM while a row read waits on a lock: the read is cancelled, no wait for the lock timeout") {
    const std::string url = PostgresHarness::shared().create_database();
    auto writer = storage::open_store(url);
    const auto hot = put_test_cert(*writer, {"hot.pg.test"});
    put_test_cert(*writer, {"cold.pg.test"});
    ServeProcess serve(url, serve_args({"--handshake-timeout", "1", "--shutdown-grace", "1"}));
    REQUIRE(served_serial(serve.port(), "hot.pg.test") == serial_of_pem(hot.cert.cert_pem));
    REQUIRE_MESSAGE(preparse_done(serve), serve.logs());

    PgSession locker(url);
    locker.exec("BEGIN");
    locker.exec("LOCK TABLE certificates IN ACCESS EXCLUSIVE MODE");
    std::jthread cold_client([&] { (void)served_serial(serve.port(), "cold.pg.test"); });
    // Until the loader's row read waits on the lock.
    REQUIRE_MESSAGE(locker.wait_for_lock_waiter(), serve.logs());

    const auto t0 = Clock::now();
    REQUIRE(::kill(serve.process().pid(), SIGTERM) == 0);
    bool exited = false;
    for (int i = 0; i < 1000 && !exited; ++i) {  // bounded: 10 s
        exited = !serve.process().running();
        if (!exited) std::this_thread::sleep_for(10ms);
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    MESSAGE("exit " << took.count() << " ms after SIGTERM, the table still locked");
    CHECK(exited);
    // The lock is still held: waiting it out would end the read only at the
    // store's 5 s lock_timeout. The grace (1 s) plus the cancel is well below.
    CHECK(took < 3s);
    CHECK(locker.count("SELECT count(*) FROM pg_locks WHERE NOT granted") == 0);  // the read is gone
    locker.exec("COMMIT");
    cold_client.join();  // its connection closed with the daemon
}
