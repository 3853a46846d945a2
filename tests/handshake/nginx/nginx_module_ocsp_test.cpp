// Issue 23: OCSP stapling through ngx_http_certa_module with Debian's nginx
// (master as root, workers as www-data reading the store): the module installs
// certa's status callback (certa_agent_attach_stapling) in "certa on" blocks,
// so `openssl s_client -status` gets the stored response of the store's
// leaf; no staple without status_request, and none for the block's own
// ssl_certificate (a name the store does not hold).
#include "GroupSharedStore.hpp"
#include "NginxConf.hpp"
#include "NginxInstance.hpp"

#include "storage/base/Clock.hpp"
#include "tests/support/OcspTestResponse.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/SClient.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::test;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("nginx staples the stored OCSP response in a certa on block, only when asked, only for the store's leaf") {
    GroupSharedStore shared;
    const auto id = shared.put({"ocsp.example.test"});
    const auto row = shared.store().get_certificate(id);
    REQUIRE(row);
    storage::OcspStaple staple;
    staple.certificate_id = id;
    staple.status = "good";
    staple.der = make_ocsp_response(row->chain_pem, shared.ca().cert_pem, shared.ca().cert_pem, shared.ca().key_pem);
    staple.refresh_at = storage::unix_now() + 3600;
    shared.store().put_ocsp_response(staple);

    const TestCert fallback = make_self_signed({"fallback.example.test"});
    ServerBlock block;
    block.port = free_tcp_port();
    block.fallback_cert = shared.write_file("fallback.pem", fallback.chain_pem);
    block.fallback_key = shared.write_file("fallback.key", fallback.key_pem);
    NginxInstance nginx(shared.path(), server_block(block));
    REQUIRE_MESSAGE(nginx.start(block.port), nginx.error_log());

    const std::string with = s_client_output(block.port, "ocsp.example.test", true);
    CHECK_MESSAGE(contains(with, "OCSP Response Status: successful"), with);
    CHECK_MESSAGE(contains(with, "Cert Status: good"), with);
    const std::string without = s_client_output(block.port, "ocsp.example.test", false);
    CHECK(contains(without, "CONNECTED"));
    CHECK_FALSE(contains(without, "OCSP Response Status"));
    const std::string other = s_client_output(block.port, "fallback.example.test", true);
    CHECK_MESSAGE(contains(other, "OCSP response: no response sent"), other);
}
