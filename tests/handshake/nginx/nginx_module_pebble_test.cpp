// `certa issue --challenge tls-alpn-01` against a real Pebble while nginx
// (with ngx_http_certa_module) holds Pebble's tls-alpn-01 port: the issuer
// writes the challenge into the store, nginx's workers answer it (RFC 8737
// §3), and the new certificate is then served by nginx without reload. Once
// with nginx limited to TLS 1.2 (the challenge is recognized from the
// ClientHello before the certificate callback) and once with TLS 1.3.
#include "GroupSharedStore.hpp"
#include "NginxConf.hpp"
#include "NginxInstance.hpp"
#include "TlsProbe.hpp"

#include "tests/support/PebbleHarness.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace certa::test;

TEST_CASE("Pebble issues through nginx's port with tls-alpn-01 (TLS 1.2, then TLS 1.3)") {
    const int port = free_tcp_port();
    PebbleOptions pebble_options;
    pebble_options.tlsalpn01_port = port;
    PebbleHarness pebble(pebble_options);
    GroupSharedStore shared;
    TestCert fallback = make_self_signed({"fallback.example.test"});
    ServerBlock block;
    block.port = port;
    block.fallback_cert = shared.write_file("fallback.pem", fallback.chain_pem);
    block.fallback_key = shared.write_file("fallback.key", fallback.key_pem);
    shared.close();  // from here on only certa (another process) writes the store

    for (const std::string protocols : {"TLSv1.2", "TLSv1.3"}) {
        CAPTURE(protocols);
        block.protocols = protocols;
        const std::string name = std::string(protocols == "TLSv1.2" ? "twelve" : "thirteen") +
                                 ".alpn.example.test";
        NginxInstance nginx(shared.path(), server_block(block));
        REQUIRE_MESSAGE(nginx.start(port), nginx.error_log());
        RunOptions options;
        options.timeout = std::chrono::seconds(120);
        auto r = run_certa({"--store", shared.path(), "issue", "--server", pebble.directory_url(), "--ca-bundle",
                            pebble.ca_bundle_path(), "--agree-tos", "--email", "admin@example.com",
                            "--challenge", "tls-alpn-01", "-d", name},
                           options);
        CHECK_MESSAGE(r.exit_code == 0, "exit " << r.exit_code << "\n" << r.err << "\n" << nginx.error_log());
        ProbeResult served;
        for (int i = 0; i < 100; ++i) {  // 2 s at most: the workers pick it up from the store
            served = tls_probe(port, probe(name));
            if (served.ok && served.names == std::vector<std::string>{name}) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CHECK(served.names == std::vector<std::string>{name});
        auto stop = nginx.signal("stop");
        CHECK_MESSAGE(stop.exit_code == 0, stop.err << "\n" << nginx.error_log());
        CHECK(nginx.wait_exit(std::chrono::seconds(10)).exit_code == 0);
        CHECK(nginx.error_log().find("[alert]") == std::string::npos);
    }
}
