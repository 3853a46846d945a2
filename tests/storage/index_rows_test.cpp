// Store::index_rows_changed_since with and without PEM: the handshake
// agent's first load reads names and metadata only (the PEM comes later, by
// id), and SQLite answers it from the covering index certificates_for_index_load.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/Store.hpp"
#include "storage/sqlite/SqliteConnection.hpp"
#include "storage/sqlite/SqliteStatement.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

using namespace certa::storage;
using certa::test::input_for;
using certa::test::make_self_signed;
using certa::test::StoreBackend;

namespace {

// The same row and metadata; `b` carries no PEM.
void check_same_without_pem(const IndexRow& b, const IndexRow& a) {
    CHECK(b.id == a.id);
    CHECK(b.names == a.names);  // in position order
    CHECK(b.key_type == a.key_type);
    CHECK(b.status == a.status);
    CHECK(b.not_before == a.not_before);
    CHECK(b.not_after == a.not_after);
    CHECK(b.generation == a.generation);
    CHECK(b.key_pem.empty());
    CHECK(b.chain_pem.empty());
}

}  // namespace

TEST_CASE("index rows without PEM carry the same rows and metadata, and no chain or key") {
    StoreBackend backend;
    auto store = backend.open();
    const auto a = store->put_certificate(input_for(make_self_signed({"a.rows.example", "www.a.rows.example"})));
    const auto b = store->put_certificate(input_for(make_self_signed({"b.rows.example"}), "ec256"));
    store->set_certificate_status(b, CertificateStatus::Revoked);

    const auto with = store->index_rows_changed_since(-1);
    const auto without = store->index_rows_changed_since(-1, false);
    REQUIRE(with.size() == without.size());
    REQUIRE(with.size() >= 2);
    for (std::size_t i = 0; i < with.size(); ++i) check_same_without_pem(without[i], with[i]);
    // With PEM: the active row has its chain and key (the revoked one none).
    bool saw_a = false;
    for (const auto& row : with) {
        if (row.id != a) continue;
        saw_a = true;
        CHECK(row.names == std::vector<std::string>{"a.rows.example", "www.a.rows.example"});
        CHECK(row.chain_pem.find("BEGIN CERTIFICATE") != std::string::npos);
        CHECK(row.key_pem.find("PRIVATE KEY") != std::string::npos);
    }
    CHECK(saw_a);
    // Later generations only, both ways.
    const auto since = store->current_generation();
    store->put_certificate(input_for(make_self_signed({"c.rows.example"})));
    CHECK(store->index_rows_changed_since(since, false).size() == 1);
    CHECK(store->index_rows_changed_since(since).size() == 1);
}

TEST_CASE("visit_index_rows_changed_since streams the same rows as index_rows_changed_since without PEM") {
    StoreBackend backend;
    auto store = backend.open();
    store->put_certificate(input_for(make_self_signed({"a.visit.example", "www.a.visit.example", "*.a.visit.example"})));
    const auto b = store->put_certificate(input_for(make_self_signed({"b.visit.example"})));
    store->put_certificate(input_for(make_self_signed({"c.visit.example"})));
    store->set_certificate_status(b, CertificateStatus::Revoked);
    for (std::int64_t since : {std::int64_t{-1}, store->current_generation() - 1}) {
        CAPTURE(since);
        const auto listed = store->index_rows_changed_since(since, false);
        std::vector<IndexRow> visited;
        store->visit_index_rows_changed_since(since, [&](const IndexRow& row) { visited.push_back(row); });
        REQUIRE(visited.size() == listed.size());
        for (std::size_t i = 0; i < listed.size(); ++i) check_same_without_pem(visited[i], listed[i]);
    }
    std::size_t none = 0;
    store->visit_index_rows_changed_since(store->current_generation(), [&](const IndexRow&) { ++none; });
    CHECK(none == 0);
}

TEST_CASE("index slices split the visited rows by id: together every row once, in the same order") {
    StoreBackend backend;
    auto store = backend.open();
    for (int i = 0; i < 7; ++i)
        store->put_certificate(input_for(make_self_signed({"s" + std::to_string(i) + ".slice.example"})));
    std::vector<IndexRow> all;
    store->visit_index_rows_changed_since(-1, [&](const IndexRow& row) { all.push_back(row); });
    REQUIRE(all.size() == 7);
    for (std::int64_t parts : {2, 3}) {
        CAPTURE(parts);
        std::vector<std::int64_t> seen;
        for (std::int64_t part = 0; part < parts; ++part) {
            std::vector<std::int64_t> ids;
            store->visit_index_rows_changed_since(
                -1, [&](const IndexRow& row) {
                    CHECK(row.id % parts == part);
                    CHECK(row.names.size() == 1);
                    ids.push_back(row.id);
                },
                IndexSlice{part, parts});
            CHECK(std::is_sorted(ids.begin(), ids.end()));
            CHECK(!ids.empty());
            seen.insert(seen.end(), ids.begin(), ids.end());
        }
        std::sort(seen.begin(), seen.end());
        std::vector<std::int64_t> expected;
        for (const auto& row : all) expected.push_back(row.id);
        std::sort(expected.begin(), expected.end());
        CHECK(seen == expected);
    }
    CHECK_THROWS_AS(store->visit_index_rows_changed_since(-1, [](const IndexRow&) {}, IndexSlice{2, 2}),
                    std::invalid_argument);
}

TEST_CASE("the PEM-less first load reads only the covering index" * doctest::test_suite("sqlite-only")) {
    StoreBackend backend;
    { auto store = backend.open(); }
    SqliteConnection db(backend.location(), true, 1000);
    SqliteStatement plan(db,
                         "EXPLAIN QUERY PLAN SELECT id, key_type, status, not_before, not_after, generation, '', ''"
                         " FROM certificates WHERE generation > -1 ORDER BY generation, id");
    std::string details;
    while (plan.step()) details += plan.text(3) + "\n";
    INFO(details);
    CHECK(details.find("USING COVERING INDEX certificates_for_index_load") != std::string::npos);
}
