// Change detection across connections: the generation moves only when another
// connection commits, and certificates_changed_since returns exactly the rows
// written after a generation.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace certa::storage;
using certa::test::input_for;
using certa::test::StoreBackend;

namespace {

std::vector<std::int64_t> ids(const std::vector<CertificateRecord>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& row : rows) out.push_back(row.id);
    return out;
}

}  // namespace

// Drives a raw SqliteConnection: the PostgreSQL counterpart is in pg_store_test.
TEST_CASE("another connection's generation bump is seen only after it commits" * doctest::test_suite("sqlite-only")) {
    StoreBackend backend;
    std::string path = backend.location();
    auto reader = open_store(path, StoreBackend::options());
    std::int64_t g0 = reader->current_generation();
    CHECK(reader->current_generation() == g0);  // nothing changed: same answer

    SqliteConnection other(path, false, 1000);
    other.exec("BEGIN IMMEDIATE");
    other.exec("UPDATE meta SET value = value + 1 WHERE key = 'generation'");
    CHECK(reader->current_generation() == g0);
    other.exec("ROLLBACK");
    CHECK(reader->current_generation() == g0);

    other.exec("BEGIN IMMEDIATE");
    other.exec("UPDATE meta SET value = value + 5 WHERE key = 'generation'");
    CHECK(reader->current_generation() == g0);
    other.exec("COMMIT");
    CHECK(reader->current_generation() == g0 + 5);
}

TEST_CASE("writes by another store object are seen, and only the changed rows are returned") {
    StoreBackend backend;
    std::string path = backend.location();
    auto writer = open_store(path, StoreBackend::options());
    auto reader = open_store(path, StoreBackend::options());

    std::int64_t a = writer->put_certificate(input_for(certa::test::make_self_signed({"a.example"})));
    std::int64_t b = writer->put_certificate(input_for(certa::test::make_self_signed({"b.example"})));
    std::int64_t g1 = reader->current_generation();
    CHECK(g1 == writer->current_generation());
    CHECK(ids(reader->certificates_changed_since(0)) == std::vector<std::int64_t>{a, b});

    // An event is not a certificate or challenge write: the generation stays.
    writer->add_event("deployed", a, "hook ran");
    CHECK(reader->current_generation() == g1);
    CHECK(reader->certificates_changed_since(g1).empty());

    writer->set_certificate_status(a, CertificateStatus::Revoked);
    std::int64_t g2 = reader->current_generation();
    CHECK(g2 > g1);
    auto changed = reader->certificates_changed_since(g1);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].id == a);
    CHECK(changed[0].status == CertificateStatus::Revoked);
    CHECK(changed[0].names == std::vector<std::string>{"a.example"});

    auto renewal = input_for(certa::test::make_self_signed({"b.example"}));
    renewal.replaces = b;
    std::int64_t c = writer->put_certificate(renewal);
    std::int64_t g3 = reader->current_generation();
    CHECK(g3 > g2);
    auto replaced = ids(reader->certificates_changed_since(g2));
    std::sort(replaced.begin(), replaced.end());
    CHECK(replaced == std::vector<std::int64_t>{b, c});
    CHECK(reader->certificates_changed_since(g3).empty());

    // Ordered by generation: the revoked row (g2) comes before b and c (g3).
    auto all = reader->certificates_changed_since(g1);
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == a);
    CHECK(std::is_sorted(all.begin(), all.end(),
                         [](const auto& x, const auto& y) { return x.generation < y.generation; }));
}

TEST_CASE("challenge writes bump the generation too") {
    StoreBackend backend;
    std::string path = backend.location();
    auto writer = open_store(path, StoreBackend::options());
    auto reader = open_store(path, StoreBackend::options());
    std::int64_t g0 = reader->current_generation();
    Challenge challenge;
    challenge.type = ChallengeType::TlsAlpn01;
    challenge.identifier = "alpn.example";
    challenge.token = "tok";
    challenge.key_authorization = "tok.thumb";
    challenge.expires = 4102444800;  // 2100-01-01
    std::int64_t id = writer->put_challenge(challenge);
    std::int64_t g1 = reader->current_generation();
    CHECK(g1 > g0);
    writer->delete_challenge(id);
    CHECK(reader->current_generation() > g1);
}

TEST_CASE("a store's own writes move its generation") {
    StoreBackend backend;
    auto store = backend.open();
    std::int64_t g0 = store->current_generation();
    store->put_certificate(input_for(certa::test::make_self_signed({"own.example"})));
    CHECK(store->current_generation() == g0 + 1);
}

TEST_CASE("index_rows_changed_since is the slim twin of certificates_changed_since") {
    StoreBackend backend;
    auto store = backend.open();
    std::int64_t a = store->put_certificate(
        input_for(certa::test::make_self_signed({"multi.example", "*.multi.example", "alt.example"})));
    std::int64_t b = store->put_certificate(input_for(certa::test::make_self_signed({"b.example"})));
    store->set_certificate_status(b, CertificateStatus::Revoked);
    store->put_certificate(input_for(certa::test::make_self_signed({"c.example"})));

    for (std::int64_t since : {std::int64_t{-1}, std::int64_t{0}, std::int64_t{2}}) {
        CAPTURE(since);
        auto full = store->certificates_changed_since(since);
        auto slim = store->index_rows_changed_since(since);
        REQUIRE(slim.size() == full.size());
        for (size_t i = 0; i < full.size(); ++i) {
            CAPTURE(i);
            CHECK(slim[i].id == full[i].id);
            CHECK(slim[i].names == full[i].names);
            CHECK(slim[i].key_type == full[i].key_type);
            CHECK(slim[i].status == full[i].status);
            CHECK(slim[i].not_before == full[i].not_before);
            CHECK(slim[i].not_after == full[i].not_after);
            CHECK(slim[i].generation == full[i].generation);
            const bool active = full[i].status == CertificateStatus::Active;
            CHECK(slim[i].chain_pem == (active ? full[i].chain_pem : ""));
            CHECK(slim[i].key_pem == (active ? full[i].key_pem : ""));
        }
    }
    auto all = store->index_rows_changed_since(0);
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == a);
    CHECK(all[0].names == std::vector<std::string>{"multi.example", "*.multi.example", "alt.example"});
    CHECK_FALSE(all[0].chain_pem.empty());
    CHECK(all[1].id == b);  // revoked: no PEM for the index
    CHECK(all[1].status == CertificateStatus::Revoked);
    CHECK(all[1].chain_pem.empty());
    CHECK(all[1].key_pem.empty());
    CHECK(store->index_rows_changed_since(store->current_generation()).empty());
}
