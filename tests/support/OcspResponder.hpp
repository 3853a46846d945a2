// A real OCSP responder for tests: OpenSSL's `openssl ocsp` server (RFC 6960)
// on a free port, answering for one issuer from an index file (the CA
// database format of `openssl ca`), signing as that issuer. With Pebble:
// PebbleOptions::ocsp_responder_url = url() before Pebble starts, then
// start(pebble.intermediate_pem(), pebble.intermediate_key_pem()).
// OpenSSL 3.0's server reads its index once, so set_status() restarts it.
// (3.0's -port takes no address: it listens on every interface of this port;
// the tests only ever talk to it over loopback.)
#pragma once

#include "Subprocess.hpp"
#include "TempDir.hpp"

#include <map>
#include <memory>
#include <string>

namespace certa::test {

class OcspResponder {
public:
    OcspResponder();  // picks the port; nothing runs until start()
    ~OcspResponder();
    OcspResponder(const OcspResponder&) = delete;
    OcspResponder& operator=(const OcspResponder&) = delete;

    std::string url() const;  // http://127.0.0.1:PORT
    int port() const { return port_; }
    // (Re)starts the responder for this issuer (PEM certificate and key);
    // waits (bounded) until it accepts connections. False when it did not.
    bool start(const std::string& issuer_pem, const std::string& issuer_key_pem);
    // Sets a serial's line (uppercase hex, as the store spells it): good, or
    // revoked (an "R" line); restarts a running responder. False when it did not come back.
    bool set_status(const std::string& serial_hex, bool revoked);
    // Serials it answers "unknown" for are those without a line.
    void stop();
    std::string log() const;

private:
    bool launch();
    void write_index() const;

    TempDir dir_;
    int port_ = 0;
    std::map<std::string, bool> serials_;  // serial -> revoked
    std::unique_ptr<Background> server_;
};

}  // namespace certa::test
