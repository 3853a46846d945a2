// The shared test certificate factory (tests/support/TestCertificates): the
// certificates it makes verify, carry the requested names and validity, and
// CA-issued leaves point at their CA.
#include "TestCertificates.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

#include <ctime>

using namespace certa;

namespace {

// Seconds from now to the certificate time `t` (negative: in the past).
long seconds_from_now(const ASN1_TIME* t) {
    int days = 0, secs = 0;
    REQUIRE(ASN1_TIME_diff(&days, &secs, nullptr, t) == 1);
    return days * 86400L + secs;
}

}  // namespace

TEST_CASE("a CA-issued leaf verifies against its CA and chains leaf then CA") {
    auto ca = test::make_ca("unit CA");
    auto leaf = test::make_issued({"a.example", "10.0.0.1"}, "ec384", ca);
    auto chain = ossl::parse_chain_pem(leaf.chain_pem);
    REQUIRE(chain.size() == 2);
    CHECK(ossl::to_pem(chain[1].get()) == ca.cert_pem);
    auto ca_key = ossl::parse_key_pem(ca.key_pem);
    REQUIRE(ca_key);
    CHECK(X509_verify(chain[0].get(), X509_get0_pubkey(chain[1].get())) == 1);
    CHECK(X509_check_issued(chain[1].get(), chain[0].get()) == X509_V_OK);
    auto key = ossl::parse_key_pem(leaf.key_pem);
    REQUIRE(key);
    CHECK(ossl::key_matches(chain[0].get(), key.get()));
    CHECK(EVP_PKEY_get_bits(key.get()) == 384);
    CHECK(X509_check_host(chain[0].get(), "a.example", 0, 0, nullptr) == 1);
    CHECK(X509_check_ip_asc(chain[0].get(), "10.0.0.1", 0) == 1);
    CHECK(X509_check_ca(chain[1].get()) >= 1);
    CHECK(X509_check_ca(chain[0].get()) == 0);
}

TEST_CASE("a self-signed certificate honours key type and validity window") {
    auto expired = test::make_self_signed({"old.example"}, "rsa2048", -2 * 86400, 86400);
    auto chain = ossl::parse_chain_pem(expired.chain_pem);
    REQUIRE(chain.size() == 1);
    CHECK(expired.chain_pem == expired.cert_pem);
    CHECK(X509_verify(chain[0].get(), X509_get0_pubkey(chain[0].get())) == 1);
    CHECK(seconds_from_now(X509_get0_notAfter(chain[0].get())) < 0);
    CHECK(seconds_from_now(X509_get0_notBefore(chain[0].get())) < -86400);
    auto key = ossl::parse_key_pem(expired.key_pem);
    REQUIRE(key);
    CHECK(EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA);

    auto future = test::make_self_signed({"*.future.example"}, "ec256", 3600, 600);
    auto future_chain = ossl::parse_chain_pem(future.cert_pem);
    REQUIRE(future_chain.size() == 1);
    CHECK(seconds_from_now(X509_get0_notBefore(future_chain[0].get())) > 0);
    CHECK(X509_check_host(future_chain[0].get(), "x.future.example", 0, 0, nullptr) == 1);
}

TEST_CASE("every certificate gets a fresh key and serial") {
    auto a = test::make_self_signed({"same.example"});
    auto b = test::make_self_signed({"same.example"});
    CHECK(a.key_pem != b.key_pem);
    auto ca_ = ossl::parse_chain_pem(a.cert_pem);
    auto cb = ossl::parse_chain_pem(b.cert_pem);
    REQUIRE(ca_.size() == 1);
    REQUIRE(cb.size() == 1);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca_[0].get()), X509_get0_serialNumber(cb[0].get())) != 0);
    CHECK_THROWS(test::make_self_signed({}, "ec256"));
    CHECK_THROWS(test::make_self_signed({"x.example"}, "dsa1024"));
}
