// Issue 23 parts 2 and 3 inside the agent, over real TLS handshakes (BIO
// pairs) and a real SQLite store: the stored OCSP response is stapled only
// for a client that sends status_request, only while it has not expired,
// only when it answers for the served certificate, and a new response is
// picked up on reload (swapped into the parsed leaf, without reading the row again); a stale staple and a certificate past its renewal
// time each queue one request per interval, written by refresh(), never by
// the handshakes; a read-only agent writes none.
#include "tests/handshake/AgentFixture.hpp"
#include "tests/support/OcspTestResponse.hpp"
#include "tests/support/TestCertificates.hpp"

#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <ctime>

using namespace certa;
using namespace certa::test;

namespace {

struct OcspFixture : AgentFixture {
    TestCert ca = make_ca("certa OCSP test CA");

    std::int64_t put(const TestCert& cert, const std::string& name) {
        storage::CertificateInput in;
        in.names = {name};
        in.key_type = "ec256";
        in.key_pem = cert.key_pem;
        in.chain_pem = cert.chain_pem;
        return store->put_certificate(in);
    }
    void put_staple(std::int64_t id, const std::string& der, const std::string& status = "good") {
        storage::OcspStaple s;
        s.certificate_id = id;
        s.status = status;
        s.der = der;
        s.refresh_at = storage::unix_now() + 3600;
        store->put_ocsp_response(s);
    }
    std::string response(const TestCert& leaf, const OcspSpec& spec = {}) {
        return make_ocsp_response(leaf.cert_pem, ca.cert_pem, ca.cert_pem, ca.key_pem, spec);
    }
    HandshakeResult ask(const std::string& name, bool status_request = true) {
        ClientOptions o;
        o.sni = name;
        o.status_request = status_request;
        return run_handshake(server.get(), client.get(), o);
    }
    int events(std::int64_t id, const std::string& kind) {
        int n = 0;
        for (const auto& e : store->list_events(id, 100)) n += e.kind == kind;
        return n;
    }
};

handshake::AgentOptions manual() {
    handshake::AgentOptions o;
    o.watch = false;  // the test calls refresh(), which also writes the queued requests
    return o;
}

}  // namespace

TEST_CASE("a good response is stapled for status_request only, and a new one is picked up on reload") {
    OcspFixture f;
    const TestCert leaf = make_issued({"good.example"}, "ec256", f.ca);
    const auto id = f.put(leaf, "good.example");
    const std::string der = f.response(leaf);
    f.put_staple(id, der);
    f.open(manual());

    auto r = f.ask("good.example");
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(r.ocsp == der);
    auto plain = f.ask("good.example", false);
    REQUIRE(plain.ok);
    CHECK(plain.ocsp.empty());
    CHECK(f.agent->stats().ocsp_stapled == 1);

    const std::string newer = f.response(leaf, {.this_update_offset_s = -10});
    REQUIRE(newer != der);
    f.put_staple(id, newer);
    const auto before = f.agent->stats();
    f.agent->refresh();
    CHECK(f.ask("good.example").ocsp == newer);
    // Swapped into the parsed leaf in place: no second read of the row, no re-parse.
    CHECK(f.agent->stats().store_reads == before.store_reads);
    CHECK(f.agent->stats().cache_hits == before.cache_hits + 1);

    // A newer answer that is not "good" for it: nothing is stapled any more, still without a re-parse.
    f.put_staple(id, f.response(leaf, {.revoked = true}), "revoked");
    f.agent->refresh();
    CHECK(f.ask("good.example").ocsp.empty());
    CHECK(f.agent->stats().store_reads == before.store_reads);
    // And a good one again: a leaf without a staple gets one through a fresh load of its row.
    f.put_staple(id, der);
    f.agent->refresh();
    CHECK(f.ask("good.example").ocsp == der);
    CHECK(f.agent->stats().store_reads == before.store_reads + 1);
}

TEST_CASE("never stapled: an expired response, one for another certificate, a revoked one, none stored") {
    OcspFixture f;
    const TestCert expired = make_issued({"expired.example"}, "ec256", f.ca);
    const TestCert other = make_issued({"other.example"}, "ec256", f.ca);
    const TestCert wrong = make_issued({"wrong.example"}, "ec256", f.ca);
    const TestCert revoked = make_issued({"revoked.example"}, "ec256", f.ca);
    const TestCert bare = make_issued({"bare.example"}, "ec256", f.ca);
    f.put_staple(f.put(expired, "expired.example"),
                 f.response(expired, {.this_update_offset_s = -7200, .next_update_offset_s = -3600}));
    f.put(other, "other.example");
    f.put_staple(f.put(wrong, "wrong.example"), f.response(other));  // answers for other.example
    f.put_staple(f.put(revoked, "revoked.example"), f.response(revoked, {.revoked = true}), "good");
    f.put(bare, "bare.example");
    f.open(manual());
    for (const char* name : {"expired.example", "wrong.example", "revoked.example", "bare.example"}) {
        auto r = f.ask(name);
        REQUIRE_MESSAGE(r.ok, name << ": " << r.error);
        CHECK_MESSAGE(r.ocsp.empty(), name);
    }
    const auto stats = f.agent->stats();
    CHECK(stats.ocsp_stapled == 0);
    CHECK(stats.ocsp_expired == 1);
}

TEST_CASE("a stale staple is still stapled and queues one OCSP refresh, written by refresh()") {
    OcspFixture f;
    const TestCert leaf = make_issued({"stale.example"}, "ec256", f.ca);
    const auto id = f.put(leaf, "stale.example");
    const std::string der = f.response(leaf, {.this_update_offset_s = -20 * 3600, .next_update_offset_s = 4 * 3600});
    f.put_staple(id, der);
    f.open(manual());
    for (int i = 0; i < 20; ++i) CHECK(f.ask("stale.example").ocsp == der);
    CHECK(f.store->get_ocsp_response(id)->refresh_at > storage::unix_now());  // nothing written by handshakes
    f.agent->refresh();
    CHECK(f.store->get_ocsp_response(id)->refresh_at <= storage::unix_now());
    const auto stats = f.agent->stats();
    CHECK(stats.maintenance_queued == 1);
    CHECK(stats.maintenance_written == 1);
}

TEST_CASE("a certificate past its renewal time gets exactly one renewal request after many handshakes") {
    OcspFixture f;
    // 30 days, 25 in: the last third began at day 20.
    const TestCert due = make_issued({"due.example"}, "ec256", f.ca, -25 * 86400L, 30 * 86400L);
    const TestCert fresh = make_issued({"fresh.example"}, "ec256", f.ca);
    const auto due_id = f.put(due, "due.example");
    const auto fresh_id = f.put(fresh, "fresh.example");
    f.open(manual());
    for (int i = 0; i < 200; ++i) {
        REQUIRE(f.ask("due.example", false).ok);
        REQUIRE(f.ask("fresh.example", false).ok);
        if (i % 50 == 0) f.agent->refresh();
    }
    f.agent->refresh();
    CHECK(f.events(due_id, "renewal-requested") == 1);
    CHECK(f.events(fresh_id, "renewal-requested") == 0);
    const auto row = f.store->get_certificate(due_id);
    REQUIRE(row);
    CHECK(row->renew_at != 0);
    CHECK(row->renew_at <= storage::unix_now());
    CHECK(f.store->get_certificate(fresh_id)->renew_at == 0);
    CHECK(f.agent->stats().maintenance_queued == 1);
}

TEST_CASE("a read-only agent queues nothing (certa worker's schedule covers its hosts)") {
    OcspFixture f;
    const TestCert due = make_issued({"due.example"}, "ec256", f.ca, -25 * 86400L, 30 * 86400L);
    const auto id = f.put(due, "due.example");
    auto options = manual();
    options.read_only = true;
    f.open(options);
    for (int i = 0; i < 10; ++i) REQUIRE(f.ask("due.example", false).ok);
    f.agent->refresh();
    CHECK(f.events(id, "renewal-requested") == 0);
    CHECK(f.agent->stats().maintenance_queued == 0);
}

TEST_CASE("figure: the CPU a staple adds to a full handshake (BIO pair, one thread)") {
    OcspFixture f;
    const TestCert leaf = make_issued({"fig.example"}, "ec256", f.ca);
    const auto id = f.put(leaf, "fig.example");
    const std::string der = f.response(leaf);
    f.put_staple(id, der);
    f.open(manual());
    constexpr int kRounds = 300;
    auto cpu = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
    };
    double with_us = 0, without_us = 0;
    for (int pass = 0; pass < 2; ++pass) {  // interleaved, twice, so that neither side runs cold
        double t0 = cpu();
        for (int i = 0; i < kRounds; ++i) REQUIRE(f.ask("fig.example", false).ok);
        double t1 = cpu();
        for (int i = 0; i < kRounds; ++i) REQUIRE(f.ask("fig.example", true).ocsp.size() == der.size());
        double t2 = cpu();
        without_us += t1 - t0;
        with_us += t2 - t1;
    }
    MESSAGE("full handshake (client + server CPU), " << 2 * kRounds << " each: without status_request "
                                                     << without_us / (2 * kRounds) << " us, with a "
                                                     << der.size() << "-byte staple " << with_us / (2 * kRounds)
                                                     << " us");
    CHECK(f.agent->stats().ocsp_stapled == 2 * kRounds);
}
