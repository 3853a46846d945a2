// A real Pebble (Debian `pebble` 2.4.0) plus pebble-challtestsrv on loopback,
// on free ports chosen at start, for integration tests. Both processes die
// with the harness (their process groups are killed).
//
//   certa::test::PebbleHarness pebble;            // waits until /dir answers
//   client(pebble.directory_url(), {.ca_bundle = pebble.ca_bundle_path()});
#pragma once

#include "Subprocess.hpp"
#include "TempDir.hpp"

#include <map>
#include <memory>
#include <string>

namespace certa::test {

struct PebbleOptions {
    std::map<std::string, std::string> eab;  // kid → base64url HMAC key
    bool eab_required = false;               // externalAccountBindingRequired (forced on when eab is set)
    long validity_seconds = 157766400;       // certificateValidityPeriod
    int nonce_reject = 0;                    // PEBBLE_WFE_NONCEREJECT (percent)
    int http01_port = 0;                     // where Pebble validates http-01 (0: a free port)
    int tlsalpn01_port = 0;                  // where Pebble validates tls-alpn-01 (0: a free port)
    std::map<std::string, std::string> env;  // extra environment for pebble
    // "127.0.0.1:PORT": the DNS server Pebble's VA asks (e.g. a BindHarness)
    // instead of challtestsrv; "" = challtestsrv (every name is 127.0.0.1).
    std::string dns_server;
    // ocspResponderURL: put into every certificate's AIA (Pebble answers no
    // OCSP itself: tests run an OcspResponder there). "" = none.
    std::string ocsp_responder_url;
};

class PebbleHarness {
public:
    explicit PebbleHarness(PebbleOptions options = {});
    ~PebbleHarness();
    PebbleHarness(const PebbleHarness&) = delete;
    PebbleHarness& operator=(const PebbleHarness&) = delete;

    std::string directory_url() const;       // https://127.0.0.1:PORT/dir
    std::string ca_bundle_path() const;      // trust anchor for the WFE's HTTPS
    std::string management_url() const;      // https://127.0.0.1:MGMT
    std::string dns_management_url() const;  // http://127.0.0.1:PORT (challtestsrv: /set-txt, /clear-txt)
    int acme_port() const { return acme_port_; }
    int http01_port() const { return http01_port_; }
    int tlsalpn01_port() const { return tlsalpn01_port_; }
    int dns_port() const { return dns_port_; }

    // "Valid", "Revoked", ... from /cert-status-by-serial/HEX; "" when Pebble
    // does not know the serial.
    std::string cert_status(const std::string& serial_hex) const;
    // The issuing root / intermediate (new at every start), PEM.
    std::string root_pem() const;
    std::string intermediate_pem() const;
    // The intermediate's private key (PEM), from the management API: lets a
    // test's OcspResponder sign as the issuer.
    std::string intermediate_key_pem() const;
    // Sets / clears a TXT record in challtestsrv (host with trailing dot).
    bool set_txt(const std::string& host, const std::string& value) const;
    bool clear_txt(const std::string& host) const;

    // Kills Pebble (the CA is then down; challtestsrv keeps running).
    void stop_pebble();
    std::string pebble_log() const;

private:
    bool start_once(const PebbleOptions& options);
    std::string management_get(const std::string& path) const;

    TempDir dir_;
    int acme_port_ = 0, mgmt_port_ = 0, http01_port_ = 0, tlsalpn01_port_ = 0, dns_port_ = 0, dns_mgmt_port_ = 0;
    std::unique_ptr<Background> challtestsrv_;
    std::unique_ptr<Background> pebble_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0).
int free_tcp_port();
// A port free for both TCP and UDP on 127.0.0.1 (for the mock DNS server).
int free_tcp_udp_port();

}  // namespace certa::test
