// Table-driven certificate choice over an in-memory index (no store, no TLS):
// the MaterialCache loads rows from memory. Also the compact CertIndex and
// CertMaterial (parse, interning) on their own.
#include "handshake/agent/CertIndex.hpp"
#include "handshake/agent/CertMaterial.hpp"
#include "handshake/agent/CertSelector.hpp"
#include "handshake/agent/ChainCertCache.hpp"
#include "storage/names/NameNormalizer.hpp"
#include "storage/base/OpenSsl.hpp"
#include "tests/support/TestCertificates.hpp"
#include "storage/base/Clock.hpp"

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
    r.not_before = certa::storage::unix_now() + not_before_offset;
    r.not_after = r.not_before + validity;
    return r;
}

CertIndex::Row row_of(const CertificateRecord& r) {
    CertIndex::Row row{{r.id, r.not_before, r.not_after, key_algorithm_from(r.key_type)}, {}};
    for (const auto& raw : r.names)
        if (auto n = certa::storage::normalize_index_name(raw)) row.names.push_back(*n);
    return row;
}

// An index over `rows` and a cache that loads their PEM from memory.
struct Indexed {
    std::shared_ptr<const CertIndex> index;
    std::map<std::int64_t, CertificateRecord> rows;
    MaterialCache cache{[this](const IndexRecord& r) {
                            using Loaded = MaterialCache::Loaded;
                            const auto& row = rows.at(r.id);
                            auto m = parse_cert_material(row.chain_pem, row.key_pem, r.algorithm);
                            return m ? Loaded{Loaded::Result::Ok, m, {}} : Loaded{Loaded::Result::Broken, nullptr, "bad"};
                        },
                        MaterialCache::Options{}};
    explicit Indexed(const std::vector<CertificateRecord>& list) {
        std::vector<CertIndex::Row> added;
        for (const auto& r : list) {
            rows[r.id] = r;
            added.push_back(row_of(r));
        }
        index = CertIndex().with_changes({}, added);
    }
    const CertIndex* operator->() const { return index.get(); }
    const CertIndex& operator*() const { return *index; }
};

std::unique_ptr<Indexed> index_of(const std::vector<CertificateRecord>& rows) {
    return std::make_unique<Indexed>(rows);
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
    REQUIRE((*index)->size() == rows.size());

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
    const auto now = certa::storage::unix_now();
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CAPTURE(c.client);
        auto choice = select_certificate(**index, c.name, c.dns, client(c.client), now, index->cache);
        if (c.want_id == 0) {
            CHECK_FALSE(choice.has_value());
            continue;
        }
        REQUIRE(choice.has_value());
        CHECK(choice->record.id == c.want_id);
        CHECK(choice->matched_name == c.want_match);
        REQUIRE(choice->material != nullptr);
    }
}

TEST_CASE("select_certificate skips rows that do not parse") {
    auto good = record(1, {"broken.test"}, "ec256", -2 * kDay, 90 * kDay);
    auto bad = record(2, {"broken.test"}, "ec256", -kDay, 90 * kDay);  // newer, but its key is wrong
    bad.key_pem = record(3, {"other.test"}, "ec256", 0, kDay).key_pem;
    auto index = index_of({good, bad});
    auto choice = select_certificate(**index, "broken.test", true, client("both"), certa::storage::unix_now(), index->cache);
    REQUIRE(choice.has_value());
    CHECK(choice->record.id == 1);
    // The broken row was tried once and is now skipped without a load.
    const auto loads = index->cache.stats().loads;
    CHECK(index->cache.stats().load_failures == 1);
    CHECK(select_certificate(**index, "broken.test", true, client("both"), certa::storage::unix_now(), index->cache));
    CHECK(index->cache.stats().loads == loads);
}

TEST_CASE("CertIndex: changes produce a new index and leave the old one intact") {
    auto a = row_of(record(1, {"a.test", "*.a.test"}, "ec256", -kDay, kDay * 30));
    auto b = row_of(record(2, {"b.test"}, "ec256", -kDay, kDay * 30));
    auto b2 = row_of(record(3, {"b.test"}, "ec256", -10, kDay * 30));
    auto v1 = CertIndex().with_changes({}, {a, b});
    auto v2 = v1->with_changes({b}, {b2});
    auto v3 = v2->with_changes({a}, {});
    CHECK(v1->size() == 2);
    CHECK(v2->size() == 2);
    CHECK(v3->size() == 1);
    CHECK(v1->name_count() == 3);
    REQUIRE(v1->find("b.test").size() == 1);
    CHECK(v1->find("b.test").front().id == 2);
    REQUIRE(v2->find("b.test").size() == 1);
    CHECK(v2->find("b.test").front().id == 3);
    CHECK(v2->contains(3, "b.test"));
    CHECK_FALSE(v2->contains(2, "b.test"));
    CHECK(v2->find("*.a.test").size() == 1);
    CHECK(v3->find("a.test").empty());
    CHECK(v3->find("*.a.test").empty());
    CHECK(v1->find("a.test").size() == 1);  // the old snapshot still serves
    CHECK(v1->find("A.test").empty());      // keys are normalized names: exact bytes
}

TEST_CASE("CertIndex: candidates newest first; many names spread over shards") {
    std::vector<CertIndex::Row> rows;
    for (std::int64_t i = 1; i <= 5000; ++i)
        rows.push_back({{i, 1000 + i % 7, 2000, KeyAlgorithm::EcdsaP256}, {"n" + std::to_string(i % 2500) + ".test"}});
    auto index = CertIndex().with_changes({}, rows);
    CHECK(index->size() == 5000);
    CHECK(index->name_count() == 5000);
    for (int n : {0, 1, 1234, 2499}) {
        auto found = index->find("n" + std::to_string(n) + ".test");
        REQUIRE(found.size() == 2);
        const auto& newer = found[0];
        const auto& older = found[1];
        CHECK((newer.not_before > older.not_before || (newer.not_before == older.not_before && newer.id > older.id)));
    }
    CHECK(index->find("n2500.test").empty());
    // Compact: well under 100 bytes per name (records, keys, name text, shard overhead).
    CHECK(index->memory_bytes() / index->name_count() < 100);
}

TEST_CASE("CertMaterial: parsed from PEM, key type mapped, no chain of its own without intermediates") {
    auto r = record(7, {"upper.example.com"}, "ec384", -kDay, kDay);
    auto m = parse_cert_material(r.chain_pem, r.key_pem, KeyAlgorithm::EcdsaP384);
    REQUIRE(m);
    // No intermediates: no stack of its own, but never a null chain for OpenSSL
    // (null would make it build a chain from the context's store per handshake).
    CHECK_FALSE(m->chain);
    REQUIRE(m->chain_for_ssl() != nullptr);
    CHECK(sk_X509_num(m->chain_for_ssl()) == 0);
    CHECK_FALSE(parse_cert_material(r.chain_pem, record(8, {"x.test"}, "ec384", 0, kDay).key_pem, KeyAlgorithm::EcdsaP384));
    CHECK_FALSE(parse_cert_material("", r.key_pem, KeyAlgorithm::EcdsaP384));
    CHECK(key_algorithm_from("rsa4096") == KeyAlgorithm::Rsa);
    CHECK(key_algorithm_from("ec256") == KeyAlgorithm::EcdsaP256);
    CHECK(key_algorithm_from("") == KeyAlgorithm::Other);
}

TEST_CASE("CertMaterial: intermediates are interned across certificates (ChainCertCache)") {
    const auto ca = certa::test::make_ca("certa interning CA");
    const auto other_ca = certa::test::make_ca("certa other CA");
    auto issued = [](const std::string& name, const certa::test::TestCert& issuer) {
        auto cert = certa::test::make_issued({name}, "ec256", issuer);
        return parse_cert_material(cert.chain_pem, cert.key_pem, KeyAlgorithm::EcdsaP256);
    };
    auto a = issued("a.intern.test", ca);
    auto b = issued("b.intern.test", ca);
    auto c = issued("c.intern.test", other_ca);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(c);
    REQUIRE(sk_X509_num(a->chain.get()) == 1);
    REQUIRE(sk_X509_num(b->chain.get()) == 1);
    REQUIRE(sk_X509_num(c->chain.get()) == 1);
    CHECK(a->chain_for_ssl() == a->chain.get());
    X509* from_a = sk_X509_value(a->chain.get(), 0);
    X509* from_b = sk_X509_value(b->chain.get(), 0);
    X509* from_c = sk_X509_value(c->chain.get(), 0);
    CHECK(from_a == from_b);  // one shared X509 for the common issuer
    CHECK(from_a != from_c);
    CHECK(X509_cmp(from_a, from_c) != 0);
    CHECK(a->leaf.get() != b->leaf.get());
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
