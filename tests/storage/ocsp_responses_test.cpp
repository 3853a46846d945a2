// The ocsp_responses table (schema version 10): one OCSP row per certificate,
// the DER kept byte for byte, what is due for a fetch, what changed since a
// generation (the agents' reload), the handshake-time refresh and renewal
// requests. Runs against SQLite and PostgreSQL (StoreBackend).
#include "StoreBackend.hpp"
#include "storage/Store.hpp"
#include "tests/support/TestCertificates.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <ctime>

using certa::test::StoreBackend;
using namespace certa;

namespace {

std::int64_t put(storage::Store& store, const std::string& name) {
    const auto cert = certa::test::make_self_signed({name});
    storage::CertificateInput in;
    in.names = {name};
    in.key_type = "ec256";
    in.key_pem = cert.key_pem;
    in.chain_pem = cert.chain_pem;
    return store.put_certificate(in);
}

storage::UnixTime now() { return certa::storage::unix_now(); }

}  // namespace

TEST_CASE("an OCSP row round-trips its DER and times; due and changed lists follow it") {
    StoreBackend backend;
    auto store = backend.open();
    auto agent = backend.open();
    const auto a = put(*store, "a.example");
    const auto b = put(*store, "b.example");
    CHECK(store->certificates_needing_ocsp(now(), 0) == std::vector<std::int64_t>{a, b});
    REQUIRE(store->get_ocsp_response(a));  // stored with the certificate, nothing fetched yet
    CHECK(store->get_ocsp_response(a)->status.empty());
    CHECK(store->get_ocsp_response(a)->der.empty());

    const std::int64_t before = agent->current_generation();
    storage::OcspStaple s;
    s.certificate_id = a;
    s.status = "good";
    s.der = std::string("\x30\x82\x00\x00\xff\x00binary", 12);
    s.this_update = now() - 60;
    s.next_update = now() + 86400;
    s.refresh_at = now() + 43200;
    s.fetched = now();
    store->put_ocsp_response(s);
    CHECK(agent->current_generation() > before);  // agents notice
    CHECK(agent->ocsp_changed_since(before) == std::vector<std::int64_t>{a});
    CHECK(agent->ocsp_changed_since(agent->current_generation()).empty());
    const auto back = agent->get_ocsp_response(a);
    REQUIRE(back);
    CHECK(back->der == s.der);
    CHECK(back->status == "good");
    CHECK(back->next_update == s.next_update);
    CHECK(store->certificates_needing_ocsp(now(), 0) == std::vector<std::int64_t>{b});

    // A failed fetch keeps the answer and records its error: agents have
    // nothing new to staple, so the row's generation stays.
    const std::int64_t kept = agent->current_generation();
    storage::OcspStaple failed = s;
    failed.last_error = "responder unreachable";
    failed.refresh_at = now() + 3600;
    store->put_ocsp_response(failed);
    CHECK(agent->ocsp_changed_since(kept).empty());
    CHECK(agent->get_ocsp_response(a)->last_error == "responder unreachable");
    CHECK(agent->get_ocsp_response(a)->der == s.der);

    // A handshake-time refresh request moves refresh_at, not the generation.
    const std::int64_t g = agent->current_generation();
    CHECK(store->request_ocsp_refresh(a));
    CHECK_FALSE(store->request_ocsp_refresh(a));
    CHECK(agent->current_generation() == g);
    CHECK(store->certificates_needing_ocsp(now(), 0).size() == 2);
    const auto listed = store->list_ocsp_responses();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].der.empty());
    CHECK(listed[0].status == "good");
    CHECK(listed[1].status.empty());
}

TEST_CASE("a renewal request moves renew_at to now once and records one event") {
    StoreBackend backend;
    auto store = backend.open();
    const auto id = put(*store, "due.example");
    storage::RenewalState state;
    state.renew_at = now() + 86400;
    store->update_renewal_state(id, state);
    CHECK(store->request_renewal(id, "renewal due (seen at handshake time)"));
    CHECK_FALSE(store->request_renewal(id, "again"));
    const auto row = store->get_certificate(id);
    REQUIRE(row);
    CHECK(row->renew_at <= now());
    int events = 0;
    for (const auto& e : store->list_events(id, 10)) events += e.kind == "renewal-requested";
    CHECK(events == 1);
    CHECK_FALSE(store->request_renewal(999999, "no such row"));
}
