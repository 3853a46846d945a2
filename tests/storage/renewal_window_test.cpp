// The lifetime rule of renewal (storage/RenewalWindow): the window every
// renewer shares, and the jittered time `certa renew` uses.
#include "storage/RenewalWindow.hpp"

#include "TestCertificates.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace certa::storage;

namespace {

CertificateRecord cert(std::int64_t not_before, std::int64_t lifetime, const std::string& serial) {
    return certa::test::certificate_record(not_before, lifetime, serial);
}

// Due when 1/`divisor` of the lifetime remains, earlier by at most 5%; stable.
void check_fallback(std::int64_t life, std::int64_t divisor) {
    const auto c = cert(1'000'000, life, "0A1B2C");
    const auto at = fallback_renew_at(c);
    CHECK(at <= c.not_after - life / divisor);
    CHECK(at >= c.not_after - life / divisor - life / 20);
    CHECK(fallback_renew_at(c) == at);
    CHECK(renewal_window_start(c.not_before, c.not_after) == c.not_after - life / divisor);
}

}  // namespace

TEST_CASE("fallback: 1/3 of a long lifetime remains, 1/2 for lifetimes of at most 10 days") {
    check_fallback(90 * 86400, 3);
    check_fallback(11 * 86400, 3);
    check_fallback(10 * 86400, 2);
    check_fallback(6 * 86400, 2);
}

TEST_CASE("fallback: certificates issued together spread out by serial") {
    std::set<std::int64_t> times;
    for (int i = 0; i < 20; ++i) times.insert(fallback_renew_at(cert(1'000'000, 90 * 86400, "SERIAL" + std::to_string(i))));
    CHECK(times.size() > 10);
}

TEST_CASE("in the renewal window: valid and past its start, never before or after the lifetime") {
    const UnixTime nb = 1'000'000, life = 90 * 86400, na = nb + life;
    const UnixTime start = renewal_window_start(nb, na);
    CHECK(start == na - life / 3);
    CHECK_FALSE(in_renewal_window(nb, na, nb - 1));     // not yet valid
    CHECK_FALSE(in_renewal_window(nb, na, nb));
    CHECK_FALSE(in_renewal_window(nb, na, start - 1));
    CHECK(in_renewal_window(nb, na, start));
    CHECK(in_renewal_window(nb, na, na - 1));
    CHECK_FALSE(in_renewal_window(nb, na, na));         // expired: not "renew soon" but gone
    // A 45-second certificate (as the on-demand tests use) is due after half.
    CHECK(renewal_window_start(0, 45) == 23);
    // A zero or negative lifetime is due at once, never before its start.
    CHECK(renewal_window_start(100, 100) == 100);
    CHECK_FALSE(in_renewal_window(100, 100, 100));
}
