// Table-driven certificate choice over an in-memory index (no store, no TLS).
#include "handshake/agent/CertIndex.hpp"
#include "handshake/agent/CertSelector.hpp"
#include "handshake/agent/ChainCertCache.hpp"
#include "storage/base/OpenSsl.hpp"
#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <map>
#include <string>
#include <vector>

using namespace certa::handshake;
using certa::storage::CertificateRecord;

namespace {

constexpr std::int64_t kDay = 86400;

CertificateRecord record(std::int64_t id, std::vector<std::string> names, const std::string& key_type,
                         std::int64_t not_before_offset, std::int64_t validity) {
    auto cert = certa::test::make_self_signed(names, key_type, static_cast<long>(not_before_offset),
                                              static_cast<long>(validity));
    CertificateRecord r;
    r.id = id;
    r.names = std::move(names);
    r.key_type = key_type;
    r.key_pem = cert.key_pem;
    r.chain_pem = cert.chain_pem;
    r.not_before = std::time(nullptr) + not_before_offset;
    r.not_after = r.not_before + validity;
    return r;
}

std::shared_ptr<const CertIndex> index_of(const std::vector<CertificateRecord>& rows) {
    std::vector<CertIndex::EntryPtr> added;
    for (const auto& r : rows) added.push_back(std::make_shared<const CertEntry>(r));
    return CertIndex().with_changes({}, added);
}

ClientHelloInfo client(const std::string& kind) {
    ClientHelloInfo h;
    h.offers_tls13 = true;
    if (kind == "any") return h;  // no signature_algorithms: judge nothing
    h.signatures.listed = true;
    if (kind == "ecdsa") h.signatures.ecdsa_p256 = h.signatures.ecdsa_any = true;
    if (kind == "rsa") h.signatures.rsa = h.signatures.rsa_pss_rsae = true;
    if (kind == "both") {
        h.signatures.ecdsa_p256 = h.signatures.ecdsa_any = true;
        h.signatures.rsa = h.signatures.rsa_pss_rsae = true;
    }
    return h;
}

}  // namespace

TEST_CASE("select_certificate: table") {
    const std::vector<CertificateRecord> rows = {
        record(1, {"example.com", "www.example.com"}, "ec256", -kDay, 90 * kDay),
        record(2, {"*.example.com"}, "ec256", -kDay, 90 * kDay),
        record(3, {"rsa.test", "*.rsa.test"}, "rsa2048", -kDay, 90 * kDay),
        record(4, {"dual.test"}, "rsa2048", -kDay, 90 * kDay),
        record(5, {"dual.test"}, "ec256", -2 * kDay, 90 * kDay),           // older, ECDSA
        record(6, {"old.test"}, "ec256", -100 * kDay, 90 * kDay),          // expired
        record(7, {"old.test"}, "ec256", -200 * kDay, 90 * kDay),          // expired, older
        record(8, {"renewed.test"}, "ec256", -100 * kDay, 90 * kDay),      // expired
        record(9, {"renewed.test"}, "ec256", -kDay, 90 * kDay),            // its renewal
        record(10, {"future.test"}, "ec256", 10 * kDay, 90 * kDay),        // not yet valid
        record(11, {"mixed.test"}, "rsa2048", -kDay, 90 * kDay),           // valid RSA
        record(12, {"mixed.test"}, "ec256", -100 * kDay, 90 * kDay),       // expired ECDSA
        record(13, {"192.0.2.1"}, "ec256", -kDay, 90 * kDay),
        record(14, {"exact.wild.test"}, "ec256", -100 * kDay, 90 * kDay),  // expired exact
        record(15, {"*.wild.test"}, "ec256", -kDay, 90 * kDay),            // valid wildcard
    };
    auto index = index_of(rows);
    REQUIRE(index->size() == rows.size());

    struct Case {
        std::string name;
        bool dns;
        std::string client;
        std::int64_t want_id;  // 0: nothing
        std::string want_match;
    };
    const Case cases[] = {
        {"example.com", true, "both", 1, "example.com"},
        {"www.example.com", true, "both", 1, "www.example.com"},      // exact beats wildcard
        {"api.example.com", true, "both", 2, "*.example.com"},
        {"a.b.example.com", true, "both", 0, ""},                     // one label only
        {"example.org", true, "both", 0, ""},
        {"rsa.test", true, "rsa", 3, "rsa.test"},
        {"x.rsa.test", true, "rsa", 3, "*.rsa.test"},
        {"rsa.test", true, "ecdsa", 3, "rsa.test"},                   // unsupported, but the only one
        {"dual.test", true, "ecdsa", 5, "dual.test"},                 // what the client supports
        {"dual.test", true, "rsa", 4, "dual.test"},
        {"dual.test", true, "both", 5, "dual.test"},                  // ECDSA first, though older
        {"dual.test", true, "any", 4, "dual.test"},                   // no list: newest first
        {"old.test", true, "both", 6, "old.test"},                    // expired: newest expired
        {"renewed.test", true, "both", 9, "renewed.test"},
        {"future.test", true, "both", 10, "future.test"},
        {"mixed.test", true, "ecdsa", 12, "mixed.test"},              // supported+expired > unsupported
        {"mixed.test", true, "rsa", 11, "mixed.test"},
        {"mixed.test", true, "both", 11, "mixed.test"},               // a valid RSA beats an expired ECDSA
        {"192.0.2.1", false, "both", 13, "192.0.2.1"},
        {"exact.wild.test", true, "both", 15, "*.wild.test"},         // valid wildcard > expired exact
        {"exact.wild.test", true, "rsa", 14, "exact.wild.test"},      // nothing supported: first
        {"com", true, "both", 0, ""},
    };
    const auto now = std::time(nullptr);
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CAPTURE(c.client);
        auto choice = select_certificate(*index, c.name, c.dns, client(c.client), now);
        if (c.want_id == 0) {
            CHECK_FALSE(choice.has_value());
            continue;
        }
        REQUIRE(choice.has_value());
        CHECK(choice->entry->id() == c.want_id);
        CHECK(choice->matched_name == c.want_match);
        REQUIRE(choice->entry->material() != nullptr);
    }
}

TEST_CASE("select_certificate skips rows that do not parse") {
    auto good = record(1, {"broken.test"}, "ec256", -2 * kDay, 90 * kDay);
    auto bad = record(2, {"broken.test"}, "ec256", -kDay, 90 * kDay);  // newer, but its key is wrong
    bad.key_pem = record(3, {"other.test"}, "ec256", 0, kDay).key_pem;
    auto index = index_of({good, bad});
    auto choice = select_certificate(*index, "broken.test", true, client("both"), std::time(nullptr));
    REQUIRE(choice.has_value());
    CHECK(choice->entry->id() == 1);
}

TEST_CASE("CertIndex: changes produce a new index and leave the old one intact") {
    auto a = std::make_shared<const CertEntry>(record(1, {"a.test", "*.a.test"}, "ec256", -kDay, kDay * 30));
    auto b = std::make_shared<const CertEntry>(record(2, {"b.test"}, "ec256", -kDay, kDay * 30));
    auto b2 = std::make_shared<const CertEntry>(record(3, {"b.test"}, "ec256", -10, kDay * 30));
    auto v1 = CertIndex().with_changes({}, {a, b});
    auto v2 = v1->with_changes({b}, {b2});
    auto v3 = v2->with_changes({a}, {});
    CHECK(v1->size() == 2);
    CHECK(v2->size() == 2);
    CHECK(v3->size() == 1);
    REQUIRE(v1->find("b.test"));
    CHECK(v1->find("b.test")->front()->id() == 2);
    REQUIRE(v2->find("b.test"));
    REQUIRE(v2->find("b.test")->size() == 1);
    CHECK(v2->find("b.test")->front()->id() == 3);
    CHECK(v2->find("*.a.test"));
    CHECK_FALSE(v3->find("a.test"));
    CHECK_FALSE(v3->find("*.a.test"));
    CHECK(v1->find("a.test"));  // the old snapshot still serves
}

TEST_CASE("CertEntry: names normalized, parsed lazily, key type mapped") {
    auto r = record(7, {"Upper.Example.COM.", "*.Example.com", "bad name"}, "ec384", -kDay, kDay);
    CertEntry e(r);
    CHECK(e.names() == std::vector<std::string>{"upper.example.com", "*.example.com"});
    CHECK(e.key_algorithm() == KeyAlgorithm::EcdsaP384);
    CHECK_FALSE(e.parsed());
    REQUIRE(e.material());
    CHECK(e.parsed());
    // No intermediates: no stack of its own, but never a null chain for OpenSSL
    // (null would make it build a chain from the context's store per handshake).
    CHECK_FALSE(e.material()->chain);
    REQUIRE(e.material()->chain_for_ssl() != nullptr);
    CHECK(sk_X509_num(e.material()->chain_for_ssl()) == 0);
    CHECK(key_algorithm_from("rsa4096") == KeyAlgorithm::Rsa);
    CHECK(key_algorithm_from("ec256") == KeyAlgorithm::EcdsaP256);
    CHECK(key_algorithm_from("") == KeyAlgorithm::Other);
}

TEST_CASE("CertEntry: intermediates are interned across entries (ChainCertCache)") {
    const auto ca = certa::test::make_ca("certa interning CA");
    const auto other_ca = certa::test::make_ca("certa other CA");
    auto issued = [](std::int64_t id, const std::string& name, const certa::test::TestCert& issuer) {
        auto cert = certa::test::make_issued({name}, "ec256", issuer);
        CertificateRecord r;
        r.id = id;
        r.names = {name};
        r.key_type = "ec256";
        r.key_pem = cert.key_pem;
        r.chain_pem = cert.chain_pem;
        r.not_before = std::time(nullptr) - 60;
        r.not_after = r.not_before + kDay;
        return r;
    };
    CertEntry a(issued(1, "a.intern.test", ca));
    CertEntry b(issued(2, "b.intern.test", ca));
    CertEntry c(issued(3, "c.intern.test", other_ca));
    REQUIRE(a.material());
    REQUIRE(b.material());
    REQUIRE(c.material());
    REQUIRE(sk_X509_num(a.material()->chain.get()) == 1);
    REQUIRE(sk_X509_num(b.material()->chain.get()) == 1);
    REQUIRE(sk_X509_num(c.material()->chain.get()) == 1);
    CHECK(a.material()->chain_for_ssl() == a.material()->chain.get());
    X509* from_a = sk_X509_value(a.material()->chain.get(), 0);
    X509* from_b = sk_X509_value(b.material()->chain.get(), 0);
    X509* from_c = sk_X509_value(c.material()->chain.get(), 0);
    CHECK(from_a == from_b);  // one shared X509 for the common issuer
    CHECK(from_a != from_c);
    CHECK(X509_cmp(from_a, from_c) != 0);
    CHECK(a.material()->leaf.get() != b.material()->leaf.get());
}

TEST_CASE("ChainCertCache: equal DER interned once, freed when unused") {
    ChainCertCache cache;
    const auto pem = certa::test::make_ca("certa cache CA").cert_pem;
    auto first = cache.intern(std::move(certa::ossl::parse_chain_pem(pem).front()));
    auto second = cache.intern(std::move(certa::ossl::parse_chain_pem(pem).front()));
    REQUIRE(first);
    CHECK(first.get() == second.get());
    CHECK(cache.size() == 1);
    first.reset();
    second.reset();
    CHECK(cache.size() == 0);
    CHECK_FALSE(cache.intern(nullptr));
}

TEST_CASE("CertEntry: with a budget limit, evict() drops the parsed material and the next use parses again") {
    auto budget = std::make_shared<ParseBudget>(1);
    CertEntry e(record(9, {"evict.test"}, "ec256", -kDay, kDay), budget);
    CHECK_FALSE(e.evict());  // nothing parsed yet
    auto first = e.material();
    REQUIRE(first);
    CHECK(budget->parsed == 1);
    CHECK(e.take_referenced());
    CHECK_FALSE(e.take_referenced());
    REQUIRE(e.evict());
    CHECK_FALSE(e.parsed());
    CHECK(budget->parsed == 0);
    CHECK(budget->evictions == 1);
    // The reference taken before the eviction stays usable.
    CHECK(X509_check_host(first->leaf.get(), "evict.test", 0, 0, nullptr) == 1);
    auto second = e.material();
    REQUIRE(second);
    CHECK(second != first);
    CHECK(X509_cmp(second->leaf.get(), first->leaf.get()) == 0);
    CHECK(budget->parsed == 1);

    // Without a limit the PEM is dropped once parsed: nothing to evict.
    auto unlimited = std::make_shared<ParseBudget>(0);
    CertEntry kept(record(10, {"keep.test"}, "ec256", -kDay, kDay), unlimited);
    REQUIRE(kept.material());
    CHECK(unlimited->parsed == 1);
    CHECK_FALSE(kept.evict());
    CHECK(kept.parsed());
}
