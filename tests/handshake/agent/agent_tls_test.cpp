// The Agent attached to a real OpenSSL server, over a real SQLite store, with
// OpenSSL clients talking to it through BIO pairs.
#include "AgentFixture.hpp"
#include "TlsTestPeer.hpp"
#include "StoreFiller.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace certa;
using namespace certa::test;
using handshake::Agent;
using handshake::AgentOptions;
using handshake::Selection;

namespace {

// Deterministic: refresh() explicitly (no watcher) unless a test opens its own.
struct Fixture : AgentFixture {
    void start(AgentOptions options = {}) {
        options.watch = false;
        open(options);
    }
};

}  // namespace

TEST_CASE("leaf by SNI: exact, case, trailing dot, wildcard") {
    Fixture f;
    auto a = put_test_cert(*f.store, {"example.com", "www.example.com"});
    auto w = put_test_cert(*f.store, {"*.example.com"});
    f.start();
    CHECK(f.agent->certificate_count() == 2);
    CHECK(f.agent->generation() == f.store->current_generation());

    const std::pair<std::string, std::string> cases[] = {
        {"example.com", a.cert.cert_pem},      {"EXAMPLE.com", a.cert.cert_pem},
        {"www.example.com.", a.cert.cert_pem}, {"api.example.com", w.cert.cert_pem},
        {"API.Example.Com.", w.cert.cert_pem},
    };
    for (const auto& [sni, pem] : cases) {
        CAPTURE(sni);
        auto r = f.hello(sni);
        REQUIRE_MESSAGE(r.ok, r.error);
        CHECK(serial_of(r.leaf.get()) == serial_of_pem(pem));
        CHECK(r.alpn.empty());
    }
    auto stats = f.agent->stats();
    CHECK(stats.leaves == 5);
    CHECK(stats.failures == 0);
}

TEST_CASE("selection is reported per connection") {
    Fixture f;
    auto w = put_test_cert(*f.store, {"*.example.com"});
    f.start();
    ossl::SslPtr server(SSL_new(f.server.get()));
    CHECK_FALSE(Agent::last_selection(server.get()).has_value());
    // Run a handshake by hand to keep the server SSL.
    ossl::SslPtr client(SSL_new(f.client.get()));
    BIO *sb = nullptr, *cb = nullptr;
    REQUIRE(BIO_new_bio_pair(&sb, 0, &cb, 0) == 1);
    SSL_set_bio(server.get(), sb, sb);
    SSL_set_bio(client.get(), cb, cb);
    SSL_set_accept_state(server.get());
    SSL_set_connect_state(client.get());
    SSL_set_tlsext_host_name(client.get(), "Mail.Example.com");
    for (int i = 0; i < 20; ++i) {
        SSL_do_handshake(client.get());
        SSL_do_handshake(server.get());
    }
    REQUIRE(SSL_is_init_finished(server.get()));
    auto sel = Agent::last_selection(server.get());
    REQUIRE(sel.has_value());
    CHECK(sel->kind == Selection::Kind::Leaf);
    CHECK(sel->server_name == "mail.example.com");
    CHECK(sel->matched_name == "*.example.com");
    CHECK(sel->certificate_id == w.id);
    CHECK_FALSE(sel->acme_tls_offered);
}

TEST_CASE("unknown names: unrecognized_name alert, or the default name") {
    Fixture f;
    auto d = put_test_cert(*f.store, {"default.test"});
    put_test_cert(*f.store, {"*.example.com"});
    SUBCASE("no default") {
        f.start();
        for (auto sni : {std::optional<std::string>("nope.test"), std::optional<std::string>{},
                         std::optional<std::string>("a.b.example.com"), std::optional<std::string>("example.com")}) {
            CAPTURE(sni.value_or("(none)"));
            auto r = f.hello(sni);
            CHECK_FALSE(r.ok);
            CHECK(r.alert == SSL_AD_UNRECOGNIZED_NAME);
            CHECK_FALSE(r.leaf);
        }
        auto stats = f.agent->stats();
        CHECK(stats.failures == 4);
        CHECK(stats.unknown_name == 4);   // the metrics' outcome="unknown_name"
        CHECK(stats.no_challenge == 0);
    }
    SUBCASE("default_name") {
        AgentOptions o;
        o.default_name = "Default.Test.";
        f.start(o);
        for (auto sni : {std::optional<std::string>("nope.test"), std::optional<std::string>{}}) {
            auto r = f.hello(sni);
            REQUIRE_MESSAGE(r.ok, r.error);
            CHECK(serial_of(r.leaf.get()) == serial_of_pem(d.cert.cert_pem));
        }
    }
    SUBCASE("fallback to the context's own certificate") {
        auto own = make_self_signed({"own.test"});
        auto chain = ossl::parse_chain_pem(own.cert_pem);
        auto key = ossl::parse_key_pem(own.key_pem);
        REQUIRE(SSL_CTX_use_certificate(f.server.get(), chain.front().get()) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(f.server.get(), key.get()) == 1);
        AgentOptions o;
        o.fallback_to_context_certificate = true;
        f.start(o);
        auto r = f.hello("nope.test");
        REQUIRE_MESSAGE(r.ok, r.error);
        CHECK(serial_of(r.leaf.get()) == serial_of_pem(own.cert_pem));
        auto known = f.hello("x.example.com");
        REQUIRE(known.ok);
        CHECK(san_names(known.leaf.get()) == std::vector<std::string>{"*.example.com"});
    }
}

TEST_CASE("IP SNI and IP certificates") {
    Fixture f;
    auto v4 = put_test_cert(*f.store, {"127.0.0.1"});
    auto v6 = put_test_cert(*f.store, {"::1"});
    f.start();
    auto r4 = f.hello("127.0.0.1");
    REQUIRE_MESSAGE(r4.ok, r4.error);
    CHECK(serial_of(r4.leaf.get()) == serial_of_pem(v4.cert.cert_pem));
    auto r6 = f.hello("0:0::1");
    REQUIRE_MESSAGE(r6.ok, r6.error);
    CHECK(serial_of(r6.leaf.get()) == serial_of_pem(v6.cert.cert_pem));
}

TEST_CASE("tls-alpn-01: challenge certificate only with acme-tls/1, never a leaf") {
    Fixture f;
    put_test_cert(*f.store, {"example.com", "www.example.com"});
    f.store->put_challenge(make_challenge_row("example.com"));
    f.store->put_challenge(make_challenge_row("127.0.0.1"));
    f.store->put_challenge(make_challenge_row("::1"));
    auto expired = make_challenge_row("old.example.com", -10);
    f.store->put_challenge(expired);
    f.start();
    CHECK(f.agent->challenge_count() == 3);

    SUBCASE("challenge served, acme-tls/1 selected") {
        for (auto alpn : {std::vector<std::string>{"acme-tls/1"},
                          std::vector<std::string>{"h2", "acme-tls/1", "http/1.1"}}) {
            auto r = f.hello("Example.com.", alpn);
            REQUIRE_MESSAGE(r.ok, r.error);
            CHECK(has_acme_identifier(r.leaf.get()));
            CHECK(san_names(r.leaf.get()) == std::vector<std::string>{"example.com"});
            CHECK(r.alpn == "acme-tls/1");
        }
        CHECK(f.agent->stats().challenges == 2);
    }
    SUBCASE("without acme-tls/1 the leaf is served") {
        auto r = f.hello("example.com", {"h2"});
        REQUIRE(r.ok);
        CHECK_FALSE(has_acme_identifier(r.leaf.get()));
        CHECK(r.alpn.empty());
    }
    SUBCASE("no pending challenge: the handshake fails, no leaf fallback") {
        for (auto sni : {std::optional<std::string>("www.example.com"), std::optional<std::string>("old.example.com"),
                         std::optional<std::string>{}, std::optional<std::string>("nope.test")}) {
            CAPTURE(sni.value_or("(none)"));
            auto r = f.hello(sni, {"acme-tls/1"});
            CHECK_FALSE(r.ok);
            CHECK_FALSE(r.leaf);
            CHECK(r.alert == SSL_AD_UNRECOGNIZED_NAME);
        }
        auto stats = f.agent->stats();
        CHECK(stats.no_challenge == 4);   // counted apart from unknown leaf names
        CHECK(stats.unknown_name == 0);
        CHECK(stats.failures == 4);
    }
    SUBCASE("RFC 8738 reverse-DNS SNI maps to the IP identifier") {
        auto r4 = f.hello("1.0.0.127.in-addr.arpa", {"acme-tls/1"});
        REQUIRE_MESSAGE(r4.ok, r4.error);
        CHECK(san_names(r4.leaf.get()) == std::vector<std::string>{"127.0.0.1"});
        auto r6 = f.hello("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", {"acme-tls/1"});
        REQUIRE_MESSAGE(r6.ok, r6.error);
        CHECK(san_names(r6.leaf.get()) == std::vector<std::string>{"::1"});
        CHECK(r6.alpn == "acme-tls/1");
    }
    SUBCASE("a deleted challenge stops being served after refresh") {
        auto rows = f.store->active_challenges(storage::ChallengeType::TlsAlpn01);
        for (const auto& row : rows) f.store->delete_challenge(row.id);
        f.agent->refresh();
        CHECK(f.agent->challenge_count() == 0);
        auto r = f.hello("example.com", {"acme-tls/1"});
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.leaf);
    }
}

TEST_CASE("key type follows the client's signature_algorithms") {
    Fixture f;
    auto rsa = put_test_cert(*f.store, {"dual.test"}, "rsa2048");
    auto ec = put_test_cert(*f.store, {"dual.test"}, "ec256");
    f.start();
    auto r = f.hello("dual.test", {}, "rsa_pss_rsae_sha256:RSA+SHA256");
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(serial_of(r.leaf.get()) == serial_of_pem(rsa.cert.cert_pem));
    auto e = f.hello("dual.test", {}, "ECDSA+SHA256");
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(serial_of(e.leaf.get()) == serial_of_pem(ec.cert.cert_pem));
    ClientOptions tls12;
    tls12.sni = "dual.test";
    tls12.max_version = TLS1_2_VERSION;
    tls12.sigalgs = "RSA+SHA256";
    auto t = run_handshake(f.server.get(), f.client.get(), tls12);
    REQUIRE_MESSAGE(t.ok, t.error);
    CHECK(serial_of(t.leaf.get()) == serial_of_pem(rsa.cert.cert_pem));
}

TEST_CASE("a dual-key name: ECDSA for a default client even when the RSA one is newer, RSA for RSA-only") {
    Fixture f;
    auto ec = put_test_cert(*f.store, {"dual-newer-rsa.test"}, "ec256");
    auto rsa = put_test_cert(*f.store, {"dual-newer-rsa.test"}, "rsa2048");
    f.start();
    auto d = f.hello("dual-newer-rsa.test");  // OpenSSL's default list: ECDSA and RSA
    REQUIRE_MESSAGE(d.ok, d.error);
    CHECK(serial_of(d.leaf.get()) == serial_of_pem(ec.cert.cert_pem));
    auto r = f.hello("dual-newer-rsa.test", {}, "rsa_pss_rsae_sha256:RSA+SHA256");
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(serial_of(r.leaf.get()) == serial_of_pem(rsa.cert.cert_pem));
}

TEST_CASE("ordinary ALPN follows the server's preference") {
    Fixture f;
    put_test_cert(*f.store, {"example.com"});
    AgentOptions o;
    o.alpn = {"h2", "http/1.1", "acme-tls/1"};  // acme-tls/1 is never negotiated for a leaf
    f.start(o);
    CHECK(f.hello("example.com", {"http/1.1", "h2"}).alpn == "h2");
    CHECK(f.hello("example.com", {"http/1.1"}).alpn == "http/1.1");
    auto none = f.hello("example.com", {"spdy/3"});
    CHECK(none.ok);
    CHECK(none.alpn.empty());
}

TEST_CASE("renewal and revocation are picked up without a restart") {
    Fixture f;
    auto first = put_test_cert(*f.store, {"renew.test"});
    AgentOptions o;
    o.poll_interval = std::chrono::milliseconds(20);
    o.watch = true;
    f.agent = Agent::open(f.path, o);  // with the watcher thread
    f.agent->attach(f.server.get());
    auto before = f.hello("renew.test");
    REQUIRE(before.ok);
    CHECK(serial_of(before.leaf.get()) == serial_of_pem(first.cert.cert_pem));

    auto second = put_test_cert(*f.store, {"renew.test"}, "ec256", first.id);
    const auto target = f.store->current_generation();
    for (int i = 0; i < 500 && f.agent->generation() < target; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(f.agent->generation() >= target);
    auto after = f.hello("renew.test");
    REQUIRE(after.ok);
    CHECK(serial_of(after.leaf.get()) == serial_of_pem(second.cert.cert_pem));
    CHECK(f.agent->certificate_count() == 1);

    f.store->set_certificate_status(second.id, storage::CertificateStatus::Revoked);
    const auto revoked_gen = f.store->current_generation();
    for (int i = 0; i < 500 && f.agent->generation() < revoked_gen; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(f.agent->certificate_count() == 0);
    CHECK_FALSE(f.hello("renew.test").ok);
    CHECK(f.agent->last_reload_error().empty());
}

TEST_CASE("last_sync: set by every successful reload, also one that found nothing new") {
    Fixture f;
    put_test_cert(*f.store, {"sync.test"});
    f.start();
    const auto first = f.agent->stats().last_sync;
    CHECK(first > std::chrono::steady_clock::time_point{});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    f.agent->refresh();  // nothing changed
    CHECK(f.agent->stats().last_sync > first);
}

TEST_CASE("open refuses a missing or foreign store") {
    TempDir dir;
    CHECK_THROWS_AS(Agent::open(dir.file("missing.db")), storage::StoreError);
    CHECK_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

TEST_CASE("preparse: the watcher parses every certificate ahead of its first handshake") {
    Fixture f;
    std::vector<PutResult> certs;
    for (int i = 0; i < 20; ++i) certs.push_back(put_test_cert(*f.store, {"p" + std::to_string(i) + ".test"}));
    AgentOptions o;
    o.preparse = true;
    o.poll_interval = std::chrono::milliseconds(10);
    f.agent = Agent::open(f.path, o);
    f.agent->attach(f.server.get());
    for (int i = 0; i < 1000 && f.agent->stats().preparsed < certs.size(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(f.agent->stats().preparsed == certs.size());
    CHECK(f.agent->stats().preparse_backlog == 0);
    auto r = f.hello("p7.test");
    REQUIRE(r.ok);
    CHECK(serial_of(r.leaf.get()) == serial_of_pem(certs[7].cert.cert_pem));
    // A renewal is pre-parsed too.
    put_test_cert(*f.store, {"p7.test"}, "ec256", certs[7].id);
    for (int i = 0; i < 1000 && f.agent->stats().preparsed < certs.size() + 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(f.agent->stats().preparsed == certs.size() + 1);
}

TEST_CASE("max_parsed_certificates: the watcher keeps parsed entries within the limit; evicted ones are served again") {
    Fixture f;
    std::vector<PutResult> certs;
    for (int i = 0; i < 8; ++i) certs.push_back(put_test_cert(*f.store, {"m" + std::to_string(i) + ".test"}));
    AgentOptions o;
    o.max_parsed_certificates = 3;
    o.poll_interval = std::chrono::milliseconds(10);
    f.agent = Agent::open(f.path, o);
    f.agent->attach(f.server.get());
    for (int i = 0; i < 1000 && f.agent->stats().preparse_backlog > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(f.agent->stats().preparse_backlog == 0);
    CHECK(f.agent->stats().parsed <= 3);  // the pre-parse stops at the limit
    for (int round = 0; round < 2; ++round) {
        for (std::size_t i = 0; i < certs.size(); ++i) {
            auto r = f.hello("m" + std::to_string(i) + ".test");
            REQUIRE_MESSAGE(r.ok, r.error);
            CHECK(serial_of(r.leaf.get()) == serial_of_pem(certs[i].cert.cert_pem));
        }
        for (int i = 0; i < 1000 && f.agent->stats().parsed > 3; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CHECK(f.agent->stats().parsed <= 3);
    }
    CHECK(f.agent->stats().evictions >= 5);
    CHECK(f.agent->stats().failures == 0);
}
