// acme/ocsp without a network: what check_ocsp_response keeps and refuses
// (signer, CertID, validity), the RFC 5019 GET/POST rule, the AIA lookup,
// and OcspRefresher's quiet "none" for a certificate without an OCSP URL.
#include "acme/ocsp/OcspError.hpp"
#include "acme/ocsp/OcspFetcher.hpp"
#include "acme/ocsp/OcspRefresher.hpp"
#include "acme/ocsp/OcspRequestBuilder.hpp"
#include "acme/ocsp/OcspResponseCheck.hpp"
#include "storage/base/Clock.hpp"
#include "storage/base/OpenSsl.hpp"
#include "tests/support/OcspTestResponse.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::test;

namespace {

ossl::X509Ptr cert_of(const std::string& pem) { return std::move(ossl::parse_chain_pem(pem).front()); }

struct Certs {
    TestCert ca = make_ca("OCSP check CA");
    TestCert leaf = make_issued({"leaf.example"}, "ec256", ca);
    ossl::X509Ptr leaf_x = cert_of(leaf.cert_pem);
    ossl::X509Ptr ca_x = cert_of(ca.cert_pem);

    storage::OcspAnswer check(const std::string& der) {
        return acme::check_ocsp_response(der, leaf_x.get(), ca_x.get(), storage::unix_now());
    }
};

}  // namespace

TEST_CASE("a response signed by the issuer for this certificate is kept, with its status and times") {
    Certs c;
    const auto good = c.check(make_ocsp_response(c.leaf.cert_pem, c.ca.cert_pem, c.ca.cert_pem, c.ca.key_pem));
    CHECK(good.status == "good");
    CHECK(good.this_update <= storage::unix_now());
    CHECK(good.next_update > storage::unix_now() + 80000);
    const auto revoked = c.check(
        make_ocsp_response(c.leaf.cert_pem, c.ca.cert_pem, c.ca.cert_pem, c.ca.key_pem, {.revoked = true}));
    CHECK(revoked.status == "revoked");
    CHECK(revoked.revoked_at != 0);
}

TEST_CASE("refused: another certificate's answer, another CA's signature, an undelegated signer, expired, junk") {
    Certs c;
    const TestCert other = make_issued({"other.example"}, "ec256", c.ca);
    const TestCert stranger_ca = make_ca("another CA");
    CHECK_THROWS_AS(c.check(make_ocsp_response(other.cert_pem, c.ca.cert_pem, c.ca.cert_pem, c.ca.key_pem)),
                    acme::OcspError);
    CHECK_THROWS_AS(c.check(make_ocsp_response(c.leaf.cert_pem, c.ca.cert_pem, stranger_ca.cert_pem,
                                               stranger_ca.key_pem)),
                    acme::OcspError);
    // Issued by the CA but without id-kp-OCSPSigning (RFC 6960 §4.2.2.2): not a delegated responder.
    CHECK_THROWS_AS(c.check(make_ocsp_response(c.leaf.cert_pem, c.ca.cert_pem, other.cert_pem, other.key_pem)),
                    acme::OcspError);
    CHECK_THROWS_AS(c.check(make_ocsp_response(c.leaf.cert_pem, c.ca.cert_pem, c.ca.cert_pem, c.ca.key_pem,
                                               {.this_update_offset_s = -7200, .next_update_offset_s = -60})),
                    acme::OcspError);
    CHECK_THROWS_AS(c.check("not DER"), acme::OcspError);
}

TEST_CASE("RFC 5019 §5: GET with the URL-encoded base64 request under 255 bytes, else POST") {
    Certs c;
    const std::string request = acme::build_ocsp_request(c.leaf_x.get(), c.ca_x.get());
    const std::string url = acme::ocsp_get_url("http://127.0.0.1:8888", request);
    REQUIRE_FALSE(url.empty());
    CHECK(url.rfind("http://127.0.0.1:8888/", 0) == 0);
    CHECK(url.size() < 255);
    CHECK(url.find('+') == std::string::npos);
    CHECK(url.find('=') == std::string::npos);
    CHECK(acme::ocsp_get_url("http://ocsp.example/" + std::string(200, 'a'), request).empty());
}

TEST_CASE("a certificate without an OCSP URL: status none, nothing fetched; neither it nor a replaced one due again") {
    Certs c;
    CHECK_FALSE(acme::ocsp_responder_url(c.leaf_x.get()));
    TempDir dir;
    auto store = storage::open_store(dir.file("certa.db"));
    storage::CertificateInput in;
    in.names = {"leaf.example"};
    in.key_type = "ec256";
    in.key_pem = c.leaf.key_pem;
    in.chain_pem = c.leaf.chain_pem;
    const auto old_id = store->put_certificate(in);
    in.replaces = old_id;  // renewed before any OCSP pass: the old row is retired, not fetched
    const auto id = store->put_certificate(in);
    acme::OcspRefresher refresher(*store);
    const auto outcomes = refresher.run();
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].certificate_id == old_id);
    CHECK(outcomes[0].status == "retired");
    CHECK(outcomes[1].status == "none");
    CHECK(outcomes[1].error.empty());
    const auto row = store->get_ocsp_response(id);
    REQUIRE(row);
    CHECK(row->status == "none");
    CHECK(refresher.run().empty());
}
