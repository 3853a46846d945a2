// RenewalSchedule (check_due): when one certificate is due, and the renewal
// state it keeps in a real SQLite store. The CA is asked for renewalInfo only
// once ari_next_check has passed; without an answer the lifetime rule
// (storage/RenewalWindow) decides, and a not-due state can be batched.
#include "acme/renew/RenewalSchedule.hpp"

#include "TempDir.hpp"
#include "TestCertificates.hpp"
#include "storage/RenewalWindow.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace certa;
using acme::check_due;
using acme::DueOptions;
using storage::CertificateRecord;

namespace {

struct Fixture {
    test::TempDir dir;
    std::unique_ptr<storage::Store> store = storage::open_store(dir.file("certa.db"));
    int ca_calls = 0;

    CertificateRecord put(long validity_s) {
        const auto cert = test::make_self_signed({"due.example"}, "ec256", -60, validity_s);
        storage::CertificateInput input;
        input.key_type = "ec256";
        input.key_pem = cert.key_pem;
        input.chain_pem = cert.chain_pem;
        input.server = "https://ca.invalid/dir";
        return *store->get_certificate(store->put_certificate(input));
    }
    CertificateRecord reread(const CertificateRecord& c) { return *store->get_certificate(c.id); }
    // The CA is unreachable: counted, then refused (no network in this test).
    std::function<acme::AcmeClient&()> unreachable_ca() {
        return [this]() -> acme::AcmeClient& {
            ++ca_calls;
            throw std::runtime_error("CA unreachable");
        };
    }
};

}  // namespace

TEST_CASE("--force is due now; --days is due once fewer than N days remain; neither asks the CA") {
    Fixture f;
    const auto cert = f.put(90 * 86400);
    DueOptions force;
    force.force = true;
    force.now = cert.not_before + 10;
    auto due = check_due(*f.store, cert, force, f.unreachable_ca());
    CHECK(due.due);
    CHECK(due.when == force.now);

    DueOptions days;
    days.days = 30;
    days.now = cert.not_after - 31 * 86400;
    due = check_due(*f.store, cert, days, f.unreachable_ca());
    CHECK_FALSE(due.due);
    CHECK(due.when == cert.not_after - 30 * 86400);
    days.now = cert.not_after - 29 * 86400;
    CHECK(check_due(*f.store, cert, days, f.unreachable_ca()).due);
    CHECK(f.ca_calls == 0);
}

TEST_CASE("without renewalInfo the lifetime rule decides, and the CA is asked again only after ari_next_check") {
    Fixture f;
    const auto cert = f.put(90 * 86400);
    DueOptions options;
    options.now = cert.not_before + 86400;
    auto due = check_due(*f.store, cert, options, f.unreachable_ca());
    CHECK(f.ca_calls == 1);
    CHECK_FALSE(due.due);
    CHECK(due.when == storage::fallback_renew_at(cert));
    // The state was written at once (no batch): renew_at and the next ARI check.
    auto stored = f.reread(cert);
    CHECK(stored.renew_at == storage::fallback_renew_at(cert));
    CHECK(stored.ari_next_check > options.now);

    // Before ari_next_check: the stored state decides, the CA is not asked.
    options.now = stored.ari_next_check - 1;
    due = check_due(*f.store, stored, options, f.unreachable_ca());
    CHECK(f.ca_calls == 1);
    CHECK_FALSE(due.due);

    // At renew_at it is due (the failed ARI poll does not hold it back).
    options.now = stored.renew_at;
    due = check_due(*f.store, f.reread(cert), options, f.unreachable_ca());
    CHECK(due.due);
    CHECK(due.when == stored.renew_at);
    CHECK(f.ca_calls == 2);
}

TEST_CASE("an expired certificate is due even when its chosen time lies later") {
    Fixture f;
    auto cert = f.put(90 * 86400);
    storage::RenewalState late;
    late.renew_at = cert.not_after + 86400;
    late.ari_next_check = cert.not_after + 86400;
    f.store->update_renewal_state(cert.id, late);
    cert = f.reread(cert);
    DueOptions options;
    options.now = cert.not_after;
    const auto due = check_due(*f.store, cert, options, f.unreachable_ca());
    CHECK(due.due);
    CHECK(due.when == cert.not_after);
    CHECK(f.ca_calls == 0);
}

TEST_CASE("a not-due state goes to the batch and reaches the store only at flush") {
    Fixture f;
    const auto cert = f.put(90 * 86400);
    acme::RenewalStateBatch batch(*f.store);
    DueOptions options;
    options.now = cert.not_before + 86400;
    options.batch = &batch;
    CHECK_FALSE(check_due(*f.store, cert, options, f.unreachable_ca()).due);
    CHECK(f.reread(cert).renew_at == 0);
    batch.flush();
    CHECK(f.reread(cert).renew_at == storage::fallback_renew_at(cert));
    // A due certificate's state is written at once, batch or not.
    auto other = f.put(90 * 86400);
    options.now = other.not_after - 1;
    CHECK(check_due(*f.store, other, options, f.unreachable_ca()).due);
    CHECK(f.reread(other).renew_at != 0);
}
