// `certa renew` when the account it was issued with is gone (deactivated):
// the renewal registers a new account and agrees to the CA's terms only when
// the user agreed (`issue --agree-tos`, recorded; or `renew --agree-tos`).
// Pebble refuses a newAccount without termsOfServiceAgreed.
#include "renew_fixture.hpp"

#include <doctest/doctest.h>

using namespace certa::test;
using namespace certa::test::renew;

namespace {

RunResult deactivate(const Fixture& f) {
    return f.certa({"account", "deactivate", "--server", f.server, "--ca-bundle", f.ca_bundle});
}

int valid_accounts(const Fixture& f) {
    int n = 0;
    for (const auto& a : f.store->list_accounts()) n += a.status == "valid";
    return n;
}

}  // namespace

TEST_CASE("issued with --agree-tos: a renewal after the account was deactivated registers again, agreeing") {
    Fixture f;
    REQUIRE(f.issue({"tos.renew.test"}).exit_code == 0);  // the fixture passes --agree-tos
    const auto old = f.active().front();
    CHECK(old.settings_json.find("\"agree_tos\":true") != std::string::npos);
    auto gone = deactivate(f);
    REQUIRE_MESSAGE(gone.exit_code == 0, gone.err);
    REQUIRE(valid_accounts(f) == 0);

    auto r = f.renew({"--force"});
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(r.out.find("tos.renew.test: renewed (expires ") != std::string::npos);
    REQUIRE(f.active().size() == 1);
    const auto fresh = f.active().front();
    CHECK(fresh.id != old.id);
    CHECK(fresh.account_id != old.account_id);
    auto account = f.store->get_account(fresh.account_id);
    REQUIRE(account);
    CHECK(account->status == "valid");
    CHECK(valid_accounts(f) == 1);
    CHECK(fresh.settings_json.find("\"agree_tos\":true") != std::string::npos);  // carried to the next renewal
}

TEST_CASE("issued without --agree-tos: the renewal does not agree for the user; renew --agree-tos does") {
    Fixture f;
    auto reg = f.certa({"account", "register", "--server", f.server, "--ca-bundle", f.ca_bundle, "--agree-tos"});
    REQUIRE_MESSAGE(reg.exit_code == 0, reg.err);
    auto issued = f.certa({"issue", "--server", f.server, "--ca-bundle", f.ca_bundle, "--http-address", "127.0.0.1",
                           "--http-port", std::to_string(f.pebble.http01_port()), "-d", "notos.renew.test"});
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    const auto old = f.active().front();
    CHECK(old.settings_json.find("agree_tos") == std::string::npos);
    REQUIRE(deactivate(f).exit_code == 0);

    auto refused = f.renew({"--force"});
    CHECK(refused.exit_code == 1);
    CHECK_MESSAGE(refused.out.find("notos.renew.test: failed: ") != std::string::npos, refused.out);
    CHECK_MESSAGE(refused.out.find("agreementRequired") != std::string::npos, refused.out);
    CHECK(f.active().front().id == old.id);

    auto agreed = f.renew({"--force", "--agree-tos"});
    CHECK_MESSAGE(agreed.exit_code == 0, (agreed.out + agreed.err));
    CHECK(agreed.out.find("notos.renew.test: renewed (expires ") != std::string::npos);
    const auto fresh = f.active().front();
    CHECK(fresh.id != old.id);
    CHECK(fresh.settings_json.find("\"agree_tos\":true") != std::string::npos);
    CHECK(valid_accounts(f) == 1);
}
