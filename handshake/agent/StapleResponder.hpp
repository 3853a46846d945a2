// The agent's OCSP status callback (SSL_CTX_set_tlsext_status_cb): staples
// the served leaf's response (OcspStapling) for a client that sent
// status_request, counts what it did, and tells the MaintenanceQueue about a
// stale or expired staple so that the watcher asks for a refresh.
#pragma once

#include "handshake/agent/MaintenanceQueue.hpp"
#include "handshake/agent/RelaxedCounter.hpp"

#include <openssl/ssl.h>

#include <cstdint>

namespace certa::handshake {

class StapleResponder {
public:
    explicit StapleResponder(MaintenanceQueue& maintenance) : maintenance_(maintenance) {}
    // Sets the status callback on `ctx` (this object must outlive its SSLs).
    void install(SSL_CTX* ctx);
    // The same callback without a responder (no counters, no maintenance):
    // for a host that sets its callbacks before its agent exists (nginx's
    // master at configuration time; the staple travels with the leaf).
    static void install_detached(SSL_CTX* ctx);
    std::uint64_t stapled() const { return stapled_.load(); }
    std::uint64_t expired() const { return expired_.load(); }

private:
    static int on_status_request(SSL* ssl, void* arg);

    MaintenanceQueue& maintenance_;
    RelaxedCounter stapled_, expired_;
};

}  // namespace certa::handshake
