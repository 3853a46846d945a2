// `certa issue --challenge tls-alpn-01 --tls-port P` against a real Pebble:
// the temporary responder (handshake/'s daemon) serves the RFC 8737
// challenge certificate from the store while the command runs.
#include "IssueFixture.hpp"

#include <doctest/doctest.h>

using namespace certa;
using certa::test::describe;
using certa::test::IssueFixture;

TEST_CASE("tls-alpn-01 with a temporary responder on Pebble's tls-alpn-01 port") {
    IssueFixture f;
    auto r = f.issue({"--challenge", "tls-alpn-01", "--tls-port", std::to_string(f.pebble.tlsalpn01_port()), "-d",
                      "alpn.example.com", "-d", "www.alpn.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto store = f.open();
    auto cert = store->find_active_certificate("www.alpn.example.com");
    REQUIRE(cert);
    CHECK(cert->settings_json.find("\"challenge\":\"tls-alpn-01\"") != std::string::npos);
    CHECK(f.pebble.cert_status(cert->serial_hex) == "Valid");
    CHECK(store->active_challenges(storage::ChallengeType::TlsAlpn01).empty());
}

TEST_CASE("tls-alpn-01 without any responder fails with Pebble's problem and leaves no rows") {
    IssueFixture f;
    auto r = f.issue({"--challenge", "tls-alpn-01", "-d", "noalpn.example.com"});
    CHECK_MESSAGE(r.exit_code == 1, describe(r));
    CHECK(r.err.find("urn:ietf:params:acme:error:") != std::string::npos);
    auto store = f.open();
    CHECK(store->active_challenges(storage::ChallengeType::TlsAlpn01).empty());
    storage::CertificateFilter all;
    all.include_inactive = true;
    CHECK(store->list_certificates(all).empty());
}
