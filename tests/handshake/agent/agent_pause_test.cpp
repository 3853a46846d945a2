// AgentOptions::pause_on_miss end to end (issue 23): real stores (SQLite
// files; PostgreSQL through PostgresHarness where a load must be held back),
// real OpenSSL client and server SSLs over a BIO pair, stepped by hand as an
// event loop would: a cold name makes the server's SSL_do_handshake fail with
// SSL_ERROR_WANT_CLIENT_HELLO_CB, Agent::when_loaded's callback fires on a
// loader thread, and the handshake run again completes with the right leaf; a
// hot name does not pause; two SSLs waiting for one cold id share one load; a
// broken row ends in the fallback or the alert, never a hang.
#include "AgentFixture.hpp"
#include "StoreFiller.hpp"
#include "TlsTestPeer.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/PostgresHarness.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <openssl/err.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

using namespace certa;
using namespace certa::test;
using handshake::Agent;
using handshake::AgentOptions;
using namespace std::chrono_literals;

namespace {

AgentOptions pausing(std::size_t cache_size) {
    AgentOptions o;
    o.watch = false;  // deterministic: nothing loads but the handshakes
    o.preparse = false;
    o.max_parsed_certificates = cache_size;
    o.pause_on_miss = true;
    o.loader_threads = 2;
    return o;
}

// Set once by a when_loaded callback (any thread); waited for with a bound.
class Signal {
public:
    std::function<void()> callback() {
        return [this] {
            std::lock_guard lock(mutex_);
            ++fired_;
            cv_.notify_all();
        };
    }
    bool wait(std::chrono::milliseconds bound) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, bound, [this] { return fired_ > 0; });
    }
    int fired() {
        std::lock_guard lock(mutex_);
        return fired_;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int fired_ = 0;
};

// One client and one server SSL over a BIO pair, stepped by hand.
class SteppedHandshake {
public:
    enum class State { Done, Paused, Failed };

    SteppedHandshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const std::string& sni)
        : server_(SSL_new(server_ctx)), client_(SSL_new(client_ctx)) {
        REQUIRE((server_ && client_));
        BIO* server_bio = nullptr;
        BIO* client_bio = nullptr;
        REQUIRE(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0) == 1);
        SSL_set_bio(server_.get(), server_bio, server_bio);
        SSL_set_bio(client_.get(), client_bio, client_bio);
        SSL_set_accept_state(server_.get());
        SSL_set_connect_state(client_.get());
        REQUIRE(SSL_set_tlsext_host_name(client_.get(), sni.c_str()) == 1);
    }

    // Runs both sides until the handshake is done, fails, or the server pauses
    // (SSL_ERROR_WANT_CLIENT_HELLO_CB). Bounded in rounds.
    State run() {
        for (int round = 0; round < 64; ++round) {
            if (!client_done_) {
                const int rc = SSL_do_handshake(client_.get());
                if (rc == 1) client_done_ = true;
                else if (!wants_io(SSL_get_error(client_.get(), rc))) return fail();
            }
            if (!server_done_) {
                const int rc = SSL_do_handshake(server_.get());
                if (rc == 1) server_done_ = true;
                else {
                    const int err = SSL_get_error(server_.get(), rc);
                    if (err == SSL_ERROR_WANT_CLIENT_HELLO_CB) return State::Paused;
                    if (!wants_io(err)) {
                        (void)SSL_do_handshake(client_.get());  // the client reads the alert
                        return fail();
                    }
                }
            }
            if (client_done_ && server_done_) return State::Done;
        }
        return fail();
    }

    SSL* server() { return server_.get(); }
    // The subject's serial the client was presented ("" none).
    std::string served_serial() {
        ossl::X509Ptr leaf(SSL_get1_peer_certificate(client_.get()));
        return serial_of(leaf.get());
    }

private:
    static bool wants_io(int err) { return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE; }
    State fail() {
        ERR_clear_error();
        return State::Failed;
    }

    ossl::SslPtr server_, client_;
    bool client_done_ = false, server_done_ = false;
};

// Pauses, waits (bounded) for when_loaded's callback, and runs the handshake again.
SteppedHandshake::State resume_after_load(SteppedHandshake& h) {
    Signal loaded;
    Agent::when_loaded(h.server(), loaded.callback());
    REQUIRE(loaded.wait(10s));
    return h.run();
}

using State = SteppedHandshake::State;

}  // namespace

TEST_CASE("a cold name pauses the ClientHello, its load runs on a loader thread, the retry serves it; a hot name does not pause") {
    AgentFixture f;
    const auto cold = put_test_cert(*f.store, {"cold.test"});
    const auto other = put_test_cert(*f.store, {"other.test"});
    f.open(pausing(100));

    SteppedHandshake first(f.server.get(), f.client.get(), "cold.test");
    REQUIRE(first.run() == State::Paused);
    CHECK(f.agent->stats().paused == 1);
    REQUIRE(resume_after_load(first) == State::Done);
    CHECK(first.served_serial() == serial_of_pem(cold.cert.cert_pem));
    auto s = f.agent->stats();
    CHECK(s.handshakes == 1);  // the callback ran twice; one handshake
    CHECK(s.leaves == 1);
    CHECK(s.store_reads == 1);
    CHECK(s.cache_misses == 1);
    CHECK(s.cache_hits == 0);  // the run after the pause is not counted again
    const auto selection = Agent::last_selection(first.server());
    REQUIRE(selection);
    CHECK(selection->kind == handshake::Selection::Kind::Leaf);
    CHECK(selection->certificate_id == cold.id);

    // Now held parsed: no pause, no read.
    SteppedHandshake hot(f.server.get(), f.client.get(), "cold.test");
    REQUIRE(hot.run() == State::Done);
    CHECK(hot.served_serial() == serial_of_pem(cold.cert.cert_pem));
    s = f.agent->stats();
    CHECK(s.paused == 1);
    CHECK(s.store_reads == 1);
    CHECK(s.cache_hits == 1);
    CHECK(s.handshakes == 2);

    // when_loaded on an SSL that did not pause calls back at once, on this thread.
    Signal at_once;
    Agent::when_loaded(hot.server(), at_once.callback());
    CHECK(at_once.fired() == 1);

    // Another cold name, served through a full round again.
    SteppedHandshake second(f.server.get(), f.client.get(), "other.test");
    REQUIRE(second.run() == State::Paused);
    REQUIRE(resume_after_load(second) == State::Done);
    CHECK(second.served_serial() == serial_of_pem(other.cert.cert_pem));
    CHECK(f.agent->stats().paused == 2);
    CHECK(f.agent->stats().store_reads == 2);
}

TEST_CASE("without pause_on_miss the miss loads on the handshake's thread (no pause)") {
    AgentFixture f;
    const auto cold = put_test_cert(*f.store, {"inline.test"});
    AgentOptions o = pausing(100);
    o.pause_on_miss = false;
    f.open(o);
    SteppedHandshake h(f.server.get(), f.client.get(), "inline.test");
    REQUIRE(h.run() == State::Done);
    CHECK(h.served_serial() == serial_of_pem(cold.cert.cert_pem));
    CHECK(f.agent->stats().paused == 0);
    CHECK(f.agent->stats().store_reads == 1);
}

TEST_CASE("a broken row: the paused handshake falls back to an older candidate, the default, or the alert") {
    AgentFixture f;
    const auto good = put_test_cert(*f.store, {"fall.test"}, "ec256", {}, -3600);
    const auto bad = put_test_cert(*f.store, {"fall.test"}, "ec256", {}, -60);  // newer: the one chosen
    const auto only = put_test_cert(*f.store, {"only.test"});
    const auto dflt = put_test_cert(*f.store, {"default.test"});
    f.corrupt_chain(bad.id);
    f.corrupt_chain(only.id);
    AgentOptions o = pausing(100);
    o.default_name = "default.test";
    f.open(o);

    // It pauses on the best candidate (not a worse one while it loads), which fails: the older one then.
    SteppedHandshake fall(f.server.get(), f.client.get(), "fall.test");
    REQUIRE(fall.run() == State::Paused);
    const State after = resume_after_load(fall);
    REQUIRE(after == State::Done);
    CHECK(fall.served_serial() == serial_of_pem(good.cert.cert_pem));

    // The only row is broken: the default name's certificate (loaded inline: one pause a connection).
    SteppedHandshake to_default(f.server.get(), f.client.get(), "only.test");
    REQUIRE(to_default.run() == State::Paused);
    REQUIRE(resume_after_load(to_default) == State::Done);
    CHECK(to_default.served_serial() == serial_of_pem(dflt.cert.cert_pem));
    const auto s = f.agent->stats();
    CHECK(s.load_failures == 2);
    CHECK(s.paused == 2);
    CHECK(s.handshakes == 2);
    CHECK(s.leaves == 2);
    CHECK(s.failures == 0);
}

TEST_CASE("a broken row without a default name: the paused handshake ends in the alert, never a hang") {
    AgentFixture g;
    const auto lone = put_test_cert(*g.store, {"lone.test"});
    g.corrupt_chain(lone.id);
    g.open(pausing(100));
    SteppedHandshake alone(g.server.get(), g.client.get(), "lone.test");
    REQUIRE(alone.run() == State::Paused);
    CHECK(resume_after_load(alone) == State::Failed);
    CHECK(g.agent->stats().failures == 1);
    CHECK(g.agent->stats().unknown_name == 1);
    CHECK(g.agent->stats().handshakes == 1);
    // A broken row is remembered: the next handshake skips it at once, without a pause.
    SteppedHandshake again(g.server.get(), g.client.get(), "lone.test");
    CHECK(again.run() == State::Failed);
    CHECK(g.agent->stats().paused == 1);
}

TEST_CASE("PostgreSQL held by a lock: two SSLs for one cold id pause on one load, a hot name is served meanwhile") {
    const std::string url = PostgresHarness::shared().create_database();
    auto writer = storage::open_store(url);
    const auto cold = put_test_cert(*writer, {"cold.pg.test"});
    const auto hot = put_test_cert(*writer, {"hot.pg.test"});
    auto server = make_server_ctx();
    auto client = make_client_ctx();
    auto agent = Agent::open(url, pausing(100));
    agent->attach(server.get());

    SteppedHandshake warm(server.get(), client.get(), "hot.pg.test");
    REQUIRE(warm.run() == State::Paused);
    REQUIRE(resume_after_load(warm) == State::Done);
    const auto reads0 = agent->stats().store_reads;
    const auto paused0 = agent->stats().paused;

    // Another session holds the certificates table: the row read for the cold id waits on it.
    std::unique_ptr<PGconn, decltype(&PQfinish)> locker(PQconnectdb(url.c_str()), &PQfinish);
    REQUIRE(PQstatus(locker.get()) == CONNECTION_OK);
    auto exec = [&](const char* sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(locker.get(), sql), &PQclear);
        REQUIRE_MESSAGE(PQresultStatus(r.get()) == PGRES_COMMAND_OK, PQerrorMessage(locker.get()));
    };
    exec("BEGIN");
    exec("LOCK TABLE certificates IN ACCESS EXCLUSIVE MODE");

    SteppedHandshake a(server.get(), client.get(), "cold.pg.test");
    SteppedHandshake b(server.get(), client.get(), "cold.pg.test");
    REQUIRE(a.run() == State::Paused);
    REQUIRE(b.run() == State::Paused);
    Signal a_loaded, b_loaded;
    Agent::when_loaded(a.server(), a_loaded.callback());
    Agent::when_loaded(b.server(), b_loaded.callback());
    // Meanwhile this thread is free: the hot name is served at once.
    SteppedHandshake meanwhile(server.get(), client.get(), "hot.pg.test");
    REQUIRE(meanwhile.run() == State::Done);
    CHECK(meanwhile.served_serial() == serial_of_pem(hot.cert.cert_pem));
    CHECK(a_loaded.fired() == 0);  // still held by the lock
    CHECK(b_loaded.fired() == 0);

    exec("COMMIT");
    REQUIRE(a_loaded.wait(10s));
    REQUIRE(b_loaded.wait(10s));
    REQUIRE(a.run() == State::Done);
    REQUIRE(b.run() == State::Done);
    CHECK(a.served_serial() == serial_of_pem(cold.cert.cert_pem));
    CHECK(b.served_serial() == serial_of_pem(cold.cert.cert_pem));
    const auto s = agent->stats();
    CHECK(s.store_reads == reads0 + 1);  // one load for both
    CHECK(s.paused == paused0 + 2);
    CHECK(s.shared_loads >= 1);
}
