// IndexLoader over a real SQLite store: the first load indexes every active
// row, a load with nothing committed returns nothing, later loads apply only
// what changed (new rows, revoked and replaced ones, challenges), a row
// already indexed is not added again, and no load reads PEM. A big first
// load read in slices on extra connections gives the same index.
#include "handshake/agent/IndexLoader.hpp"
#include "handshake/agent/PemSource.hpp"

#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "TestCertificates.hpp"
#include "storage/base/Clock.hpp"
#include "storage/StoreError.hpp"

#include <doctest/doctest.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <thread>

using namespace certa;
using namespace certa::handshake;

namespace {

struct Fixture {
    test::TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> writer = storage::open_store(path);
    IndexLoader loader{storage::open_store(path)};

    std::int64_t put(const std::vector<std::string>& names, std::optional<std::int64_t> replaces = {}) {
        const auto cert = test::make_self_signed(names);
        storage::CertificateInput input;
        input.key_type = "ec256";
        input.key_pem = cert.key_pem;
        input.chain_pem = cert.chain_pem;
        input.replaces = replaces;
        return writer->put_certificate(input);
    }
};

std::vector<std::int64_t> ids_for(const Snapshot& snapshot, const std::string& name) {
    std::vector<std::int64_t> out;
    for (const auto& record : snapshot.certs->find(name)) out.push_back(record.id);
    return out;
}

}  // namespace

TEST_CASE("the first load indexes every active row; an unchanged store loads nothing") {
    Fixture f;
    const auto a = f.put({"a.loader.example", "www.a.loader.example"});
    const auto b = f.put({"*.wild.loader.example"});
    auto snapshot = f.loader.load();
    REQUIRE(snapshot);
    CHECK(snapshot->generation == f.writer->current_generation());
    CHECK(ids_for(*snapshot, "a.loader.example") == std::vector<std::int64_t>{a});
    CHECK(ids_for(*snapshot, "www.a.loader.example") == std::vector<std::int64_t>{a});
    CHECK(ids_for(*snapshot, "*.wild.loader.example") == std::vector<std::int64_t>{b});
    CHECK(ids_for(*snapshot, "other.loader.example").empty());
    CHECK(f.loader.last_added().size() == 2);

    CHECK(f.loader.load() == nullptr);
    CHECK(f.loader.last_added().empty());
}

TEST_CASE("later loads apply only the changes: new, revoked and replaced rows") {
    Fixture f;
    const auto a = f.put({"a.loader.example"});
    const auto b = f.put({"b.loader.example"});
    auto first = f.loader.load();
    REQUIRE(first);

    const auto c = f.put({"c.loader.example"});
    f.writer->set_certificate_status(b, storage::CertificateStatus::Revoked);
    auto second = f.loader.load();
    REQUIRE(second);
    CHECK(second->generation > first->generation);
    REQUIRE(f.loader.last_added().size() == 1);
    CHECK(f.loader.last_added().front().id == c);
    CHECK(f.loader.last_removed() == std::vector<std::int64_t>{b});
    CHECK(ids_for(*second, "b.loader.example").empty());
    CHECK(ids_for(*second, "c.loader.example") == std::vector<std::int64_t>{c});
    CHECK(ids_for(*second, "a.loader.example") == std::vector<std::int64_t>{a});
    // The earlier snapshot is frozen: still what it was.
    CHECK(ids_for(*first, "b.loader.example") == std::vector<std::int64_t>{b});
    CHECK(ids_for(*first, "c.loader.example").empty());

    // A renewal: the new row replaces the old one in the same transaction.
    const auto a2 = f.put({"a.loader.example"}, a);
    auto third = f.loader.load();
    REQUIRE(third);
    CHECK(ids_for(*third, "a.loader.example") == std::vector<std::int64_t>{a2});
    CHECK(f.loader.last_removed() == std::vector<std::int64_t>{a});

    // A change to an indexed active row (renewal bookkeeping) bumps its
    // generation: it is read again but not added twice.
    f.writer->update_renewal_state(a2, storage::RenewalState{});
    auto fourth = f.loader.load();
    REQUIRE(fourth);
    CHECK(f.loader.last_added().empty());
    CHECK(f.loader.last_removed().empty());
    CHECK(ids_for(*fourth, "a.loader.example") == std::vector<std::int64_t>{a2});
    CHECK(fourth->certs->size() == 2);
}

TEST_CASE("pending tls-alpn-01 challenges come with the snapshot") {
    Fixture f;
    f.put({"a.loader.example"});
    REQUIRE(f.loader.load());
    const auto challenge_cert = test::make_self_signed({"chal.loader.example"});
    storage::Challenge row;
    row.type = storage::ChallengeType::TlsAlpn01;
    row.identifier = "chal.loader.example";
    row.token = "token";
    row.key_authorization = "token.thumbprint";
    row.cert_pem = challenge_cert.cert_pem;
    row.key_pem = challenge_cert.key_pem;
    row.expires = storage::unix_now() + 300;
    f.writer->put_challenge(row);
    auto snapshot = f.loader.load();
    REQUIRE(snapshot);
    CHECK(snapshot->challenges->find("chal.loader.example", storage::unix_now()) != nullptr);
    CHECK(snapshot->challenges->find("chal.loader.example", row.expires + 1) == nullptr);
    CHECK(snapshot->challenges->find("other.loader.example", storage::unix_now()) == nullptr);
    // The certificate index did not change, so it is shared with the last snapshot.
    CHECK(f.loader.last_added().empty());
}

namespace {

// Overwrites a row's chain in the file behind the Store's back (a plain
// SQLite connection), to tell when an entry read its PEM.
void corrupt_chain(const std::string& path, std::int64_t id) {
    const std::string sql = "UPDATE certificates SET chain_pem = 'not a certificate' WHERE id = " + std::to_string(id);
    auto r = test::run({"sqlite3", path, sql});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

}  // namespace

TEST_CASE("no load reads PEM: PemSource reads a row by id when asked, read-only too") {
    Fixture f;
    const auto a = f.put({"lazy-a.loader.example"});
    const auto b = f.put({"lazy-b.loader.example"});
    auto snapshot = f.loader.load();
    REQUIRE(snapshot);
    // b's chain changes in the store after the load: what PemSource reads is
    // the new (broken) text, so the PEM was not part of the load.
    corrupt_chain(f.path, b);
    PemSource pems(f.path, true, 2);
    auto pem_a = pems.fetch(a);
    REQUIRE(pem_a);
    CHECK(pem_a->chain.find("BEGIN CERTIFICATE") != std::string::npos);
    auto pem_b = pems.fetch(b);
    REQUIRE(pem_b);
    CHECK(pem_b->chain == "not a certificate");
    CHECK_FALSE(pems.fetch(999999));
}

TEST_CASE("a big first load read in slices on extra connections indexes exactly what one connection does") {
    Fixture f;
    // More rows than CertIndex builds on one thread (4 per shard), in one transaction.
    constexpr int kRows = 4600;
    storage::ImportBatch batch;
    for (int i = 0; i < kRows; ++i) {
        const auto cert = test::make_self_signed({"n" + std::to_string(i) + ".slices.example"});
        storage::ImportCertificate c;
        c.input.key_type = "ec256";
        c.input.key_pem = cert.key_pem;
        c.input.chain_pem = cert.chain_pem;
        c.event_detail = "index_loader_test";
        batch.certificates.push_back(std::move(c));
    }
    f.writer->import_batch(batch);
    const auto revoked = f.put({"n0.slices.example"});
    f.writer->set_certificate_status(revoked, storage::CertificateStatus::Revoked);

    int opened = 0;
    IndexLoader sliced(storage::open_store(f.path), [&] {
        ++opened;
        return storage::open_store(f.path);
    });
    auto parallel = sliced.load();
    auto serial = f.loader.load();
    REQUIRE(parallel);
    REQUIRE(serial);
    // One extra connection per CPU beyond the first (at most 3).
    const int cpus = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    CHECK(opened == cpus - 1);
    CHECK(parallel->certs->size() == static_cast<std::size_t>(kRows));
    CHECK(parallel->certs->size() == serial->certs->size());
    CHECK(parallel->certs->name_count() == serial->certs->name_count());
    CHECK(sliced.last_added().size() == f.loader.last_added().size());
    int mismatches = 0;
    for (int i = 0; i < kRows; ++i) {
        const std::string name = "n" + std::to_string(i) + ".slices.example";
        const auto p = ids_for(*parallel, name), s = ids_for(*serial, name);
        if (p != s || p.size() != 1) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(ids_for(*parallel, "n0.slices.example") == ids_for(*serial, "n0.slices.example"));
    // A later load is small: no more connections.
    const auto late = f.put({"late.slices.example"});
    auto later = sliced.load();
    REQUIRE(later);
    CHECK(ids_for(*later, "late.slices.example") == std::vector<std::int64_t>{late});
    CHECK(opened == cpus - 1);
}

TEST_CASE("a first load whose extra connection cannot be opened reads everything on one") {
    Fixture f;
    const auto a = f.put({"a.fallback.example"});
    const auto b = f.put({"b.fallback.example"});
    int tried = 0;
    IndexLoader loader(storage::open_store(f.path), [&]() -> std::unique_ptr<storage::Store> {
        ++tried;
        throw storage::StoreError(storage::StoreError::Kind::Io, "no more connections (test)");
    });
    auto snapshot = loader.load();
    REQUIRE(snapshot);
    CHECK(tried == (std::thread::hardware_concurrency() > 1 ? 1 : 0));
    CHECK(ids_for(*snapshot, "a.fallback.example") == std::vector<std::int64_t>{a});
    CHECK(ids_for(*snapshot, "b.fallback.example") == std::vector<std::int64_t>{b});
}
