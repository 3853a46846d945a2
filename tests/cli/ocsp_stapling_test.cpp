// Issue 23 parts 2 and 3 end to end: a real Pebble that puts a real OCSP
// responder (`openssl ocsp`, signing as Pebble's intermediate) into each
// certificate's AIA; `certa renew` fetches, checks and stores the response;
// `certa serve` staples it for `openssl s_client -status`; a "revoked" answer
// is recorded and renewed by the same `certa renew`; a certificate without
// an OCSP URL is quietly left alone; a served certificate past its renewal
// time gets exactly one renewal request however many handshakes see it.
#include "tests/cli/renew_fixture.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/support/OcspResponder.hpp"
#include "tests/support/SClient.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace certa;
using namespace certa::test;
using namespace certa::test::renew;

namespace {

// `openssl s_client` to certa serve for `sni`, with status_request when `status`.
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Pebble whose certificates name `ocsp` in their AIA, which signs as Pebble's intermediate.
struct WithResponder {
    OcspResponder ocsp;
    Fixture f{[this] {
        PebbleOptions options;
        options.ocsp_responder_url = ocsp.url();
        return options;
    }()};
    WithResponder() { REQUIRE(ocsp.start(f.pebble.intermediate_pem(), f.pebble.intermediate_key_pem())); }
};

}  // namespace

TEST_CASE("OCSP: a good answer is stored and stapled, none without status_request; revoked is renewed") {
    WithResponder w;
    OcspResponder& ocsp = w.ocsp;
    Fixture& f = w.f;
    REQUIRE(f.issue({"ocsp.example"}).exit_code == 0);
    const auto cert = f.active().at(0);
    REQUIRE(ocsp.set_status(cert.serial_hex, false));

    const RunResult first = f.renew();
    CHECK_MESSAGE(first.exit_code == 0, first.out << first.err);
    auto stored = f.store->get_ocsp_response(cert.id);
    REQUIRE(stored);
    CHECK(stored->status == "good");
    CHECK_FALSE(stored->der.empty());
    CHECK(stored->next_update > now_s());
    // Half the validity (openssl ocsp -ndays 1): not fetched again by the next run.
    CHECK(stored->refresh_at >= stored->this_update + 43000);
    CHECK(f.renew().exit_code == 0);
    CHECK(f.store->get_ocsp_response(cert.id)->fetched == stored->fetched);

    {
        ServeProcess serve(f.db(), {});
        const std::string with = s_client_output(serve.port(), "ocsp.example", true);
        CHECK_MESSAGE(contains(with, "OCSP Response Status: successful"), with);
        CHECK_MESSAGE(contains(with, "Cert Status: good"), with);
        const std::string without = s_client_output(serve.port(), "ocsp.example", false);
        CHECK(contains(without, "CONNECTED"));
        CHECK_FALSE(contains(without, "OCSP Response Status"));
        CHECK_FALSE(contains(without, "OCSP response:"));
    }

    // The responder now says revoked; the stored answer is due again at once.
    REQUIRE(ocsp.set_status(cert.serial_hex, true));
    REQUIRE(f.store->request_ocsp_refresh(cert.id));
    const RunResult revoked = f.renew();
    CHECK_MESSAGE(revoked.exit_code == 0, revoked.out << revoked.err);
    CHECK_MESSAGE(contains(revoked.out, "ocsp.example: OCSP says revoked, renewal scheduled now"), revoked.out);
    CHECK(f.store->get_ocsp_response(cert.id)->status == "revoked");
    CHECK(f.events(cert.id, "ocsp-revoked") == 1);
    const auto old_row = f.store->get_certificate(cert.id);
    REQUIRE(old_row);
    CHECK(old_row->status != storage::CertificateStatus::Active);  // replaced by the same run
    const auto renewed = f.store->find_active_certificate("ocsp.example");
    REQUIRE(renewed);
    CHECK(renewed->id != cert.id);
    CHECK(renewed->serial_hex != cert.serial_hex);
}

TEST_CASE("OCSP: a certificate without an OCSP URL is quietly left alone") {
    Fixture f;  // Pebble without ocspResponderURL
    REQUIRE(f.issue({"plain.example"}).exit_code == 0);
    const auto cert = f.active().at(0);
    const RunResult r = f.renew();
    CHECK(r.exit_code == 0);
    CHECK_FALSE(contains(r.out + r.err, "OCSP"));
    const auto stored = f.store->get_ocsp_response(cert.id);
    REQUIRE(stored);
    CHECK(stored->status == "none");
    CHECK(stored->der.empty());
    CHECK(stored->last_error.empty());
    CHECK(stored->refresh_at == cert.not_after);  // never asked about again
    CHECK(f.store->certificates_needing_ocsp(now_s(), 0).empty());
    ServeProcess serve(f.db(), {});
    const std::string out = s_client_output(serve.port(), "plain.example", true);
    CHECK_MESSAGE(contains(out, "OCSP response: no response sent"), out);
}

TEST_CASE("maintenance: a served certificate past its renewal time gets one request, and certa renew renews it") {
    Fixture f(lifetime(40));  // <= 10 days: renewal starts half-way, 20 s in
    REQUIRE(f.issue({"due.example"}).exit_code == 0);
    const auto cert = f.active().at(0);
    sleep_until_unix(cert.not_before + (cert.not_after - cert.not_before) / 2 + 1, std::chrono::seconds(50));
    REQUIRE(now_s() < cert.not_after - 3);
    {
        ServeProcess serve(f.db(), {});
        for (int i = 0; i < 12; ++i) CHECK(contains(s_client_output(serve.port(), "due.example", false), "CONNECTED"));
        // Written by the agent's watcher (not the handshakes): poll, bounded.
        for (int i = 0; i < 100 && f.events(cert.id, "renewal-requested") == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CHECK(f.events(cert.id, "renewal-requested") == 1);
        const auto row = f.store->get_certificate(cert.id);
        REQUIRE(row);
        CHECK(row->renew_at != 0);
        CHECK(row->renew_at <= now_s());
    }
    const RunResult r = f.renew();
    CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
    const auto renewed = f.store->find_active_certificate("due.example");
    REQUIRE(renewed);
    CHECK(renewed->id != cert.id);
}

TEST_CASE("certa worker fetches the OCSP response on its pass, and logs a revoked one it renews") {
    WithResponder w;
    OcspResponder& ocsp = w.ocsp;
    Fixture& f = w.f;
    REQUIRE(f.issue({"worker.example"}).exit_code == 0);
    const auto cert = f.active().at(0);
    REQUIRE(ocsp.set_status(cert.serial_hex, true));
    Background worker({certa_bin(), "--store", f.db(), "--log-level", "info", "worker", "--renew-every", "600"});
    // Bounded: 60 s for the pass (OCSP, then the renewal it scheduled).
    for (int i = 0; i < 600 && f.store->find_active_certificate("worker.example")->id == cert.id; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto stored = f.store->get_ocsp_response(cert.id);
    REQUIRE_MESSAGE(stored, worker.err());
    CHECK(stored->status == "revoked");
    CHECK(f.store->find_active_certificate("worker.example")->id != cert.id);
    CHECK_MESSAGE(contains(worker.err(), "worker.example: OCSP says revoked, renewal scheduled now"), worker.err());
    worker.stop(SIGTERM);
}
