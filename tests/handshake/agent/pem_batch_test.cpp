// PemBatch: the PEM text of one index load in one block, shared by its entries
// until each has parsed its own material.
#include "handshake/agent/CertEntry.hpp"
#include "handshake/agent/PemBatch.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <stdexcept>
#include <string>

using namespace certa;
using namespace certa::handshake;

TEST_CASE("append copies the text into the block and refuses to overflow it") {
    PemBatch batch(10);
    auto a = batch.append("abcd");
    auto b = batch.append("efghij");
    CHECK(std::string(a.data(), a.size()) == "abcd");
    CHECK(std::string(b.data(), b.size()) == "efghij");
    CHECK(b.data() == a.data() + 4);  // one block, in order
    CHECK(batch.append("").empty());
    CHECK_THROWS_AS(batch.append("k"), std::length_error);
}

TEST_CASE("entries of one batch parse from it and let it go once all are parsed") {
    const auto now = static_cast<storage::UnixTime>(std::time(nullptr));
    const auto ca = test::make_ca();
    const auto one = test::make_issued({"one.example"}, "ec256", ca);
    const auto two = test::make_issued({"two.example"}, "rsa2048", ca);
    auto row = [&](std::int64_t id, const test::TestCert& cert, const char* name, const char* type) {
        storage::IndexRow r;
        r.id = id;
        r.names = {name};
        r.key_type = type;
        r.key_pem = cert.key_pem;
        r.chain_pem = cert.chain_pem;
        r.not_before = now - 60;
        r.not_after = now + 86400;
        return r;
    };
    auto batch = std::make_shared<PemBatch>(one.key_pem.size() + one.chain_pem.size() + two.key_pem.size() +
                                            two.chain_pem.size());
    std::weak_ptr<PemBatch> watch = batch;
    auto first = std::make_shared<CertEntry>(row(1, one, "one.example", "ec256"), nullptr, batch);
    auto second = std::make_shared<CertEntry>(row(2, two, "two.example", "rsa2048"), nullptr, batch);
    batch.reset();
    CHECK_FALSE(watch.expired());  // held by the entries
    REQUIRE(first->material());
    CHECK_FALSE(watch.expired());  // the second still needs its text
    REQUIRE(second->material());
    CHECK(watch.expired());  // freed as one block
    CHECK(first->material()->leaf);
    CHECK(second->material()->chain);  // the intermediate came from the batch too
}

TEST_CASE("with a parse budget the entry keeps its text to parse it again after an eviction") {
    const auto now = static_cast<storage::UnixTime>(std::time(nullptr));
    const auto cert = test::make_self_signed({"kept.example"});
    storage::IndexRow r;
    r.id = 3;
    r.names = {"kept.example"};
    r.key_type = "ec256";
    r.key_pem = cert.key_pem;
    r.chain_pem = cert.chain_pem;
    r.not_before = now - 60;
    r.not_after = now + 86400;
    auto budget = std::make_shared<ParseBudget>(1);
    auto batch = std::make_shared<PemBatch>(r.key_pem.size() + r.chain_pem.size());
    std::weak_ptr<PemBatch> watch = batch;
    CertEntry entry(std::move(r), budget, std::move(batch));
    REQUIRE(entry.material());
    CHECK_FALSE(watch.expired());
    CHECK(entry.evict());
    CHECK(entry.material());  // parsed again from the kept text
}
