// RFC 9773 renewal information through tests/support/AriResponder (an HTTPS
// front for Pebble 2.4.0 that adds renewalInfo): a window in the future is not
// due, Retry-After keeps certa off the network, a window in the past renews
// now and newOrder carries "replaces" with the old certID.
#include "renew_fixture.hpp"

#include "tests/support/AriResponder.hpp"

#include <doctest/doctest.h>

using namespace certa::test;
using namespace certa::test::renew;

TEST_CASE("ARI: future window not due, Retry-After respected, past window renews with replaces") {
    Fixture f;
    AriResponder ari(f.pebble);
    f.server = ari.directory_url();
    f.ca_bundle = ari.ca_bundle_path();
    auto issued = f.issue({"ari.renew.test"});
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    const auto old = f.active().front();
    REQUIRE_FALSE(old.ari_cert_id.empty());
    CHECK(ari.new_order_replaces() == std::vector<std::string>{""});  // a first issuance replaces nothing

    // A window a day ahead: not due; renew_at inside the window.
    const auto t0 = now_s();
    ari.set_window(t0 + 86400, t0 + 2 * 86400, 3600);
    auto r = f.renew();
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(r.out.find("ari.renew.test: not due until ") != std::string::npos);
    CHECK(ari.renewal_info_requests(old.ari_cert_id) == 1);
    auto row = f.store->get_certificate(old.id);
    CHECK(row->ari_window_start == t0 + 86400);
    CHECK(row->ari_window_end == t0 + 2 * 86400);
    CHECK(row->renew_at >= row->ari_window_start);
    CHECK(row->renew_at <= row->ari_window_end);
    CHECK(row->ari_next_check >= t0 + 3600);
    CHECK(row->ari_next_check <= now_s() + 3600);

    // Retry-After: no refetch before ari_next_check, even when the CA's window moved.
    ari.set_window(t0 - 7200, t0 - 3600, 3600);
    r = f.renew();
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("not due until") != std::string::npos);
    CHECK(ari.renewal_info_requests(old.ari_cert_id) == 1);
    CHECK(f.all().size() == 1);

    // Once the next check is due (time moved on), the past window renews now.
    auto state = certa::storage::RenewalState{row->ari_window_start, row->ari_window_end, 0, row->renew_at, 0, 0, "", ""};
    f.store->update_renewal_state(old.id, state);
    r = f.renew();
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(r.out.find("ari.renew.test: renewed (expires ") != std::string::npos);
    CHECK(ari.renewal_info_requests(old.ari_cert_id) == 2);
    const auto replaces = ari.new_order_replaces();
    REQUIRE(replaces.size() == 2);
    CHECK(replaces.back() == old.ari_cert_id);
    CHECK(f.store->get_certificate(old.id)->status == certa::storage::CertificateStatus::Replaced);
}

TEST_CASE("ARI: a tiny Retry-After is clamped to a minute; without ARI the fallback decides") {
    Fixture f;
    AriResponder ari(f.pebble);
    f.server = ari.directory_url();
    f.ca_bundle = ari.ca_bundle_path();
    REQUIRE(f.issue({"clamp.renew.test"}).exit_code == 0);
    const auto cert = f.active().front();
    const auto t0 = now_s();
    ari.set_window(t0 + 86400, t0 + 86400 * 2, 1);
    REQUIRE(f.renew().exit_code == 0);
    CHECK(f.store->get_certificate(cert.id)->ari_next_check >= t0 + 60);
    REQUIRE(f.renew().exit_code == 0);
    CHECK(ari.renewal_info_requests() == 1);

    // The CA stops answering renewalInfo (404): certa falls back to its own schedule.
    ari.clear_window();
    f.store->update_renewal_state(cert.id, {0, 0, 0, 0, 0, 0, "", ""});
    auto r = f.renew();
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("not due until") != std::string::npos);
    CHECK(f.store->get_certificate(cert.id)->renew_at > now_s() + 86400 * 30);  // 1/3 of a long Pebble lifetime
}
