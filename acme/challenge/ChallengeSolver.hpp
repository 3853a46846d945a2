// A way to satisfy one kind of ACME challenge (RFC 8555 §8). OrderService calls
// present() before it tells the CA to validate, and cleanup() afterwards
// whatever happened. Solvers are shared by concurrent orders (`--each`), so
// implementations are thread-safe.
#pragma once

#include "acme/request/Identifier.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

namespace certa::acme {

class ChallengeSolver {
public:
    virtual ~ChallengeSolver() = default;
    // The ACME challenge type it answers: "http-01", "dns-01" or "tls-alpn-01".
    virtual const char* type() const = 0;
    // Makes the key authorization available to the validator. Throws on failure
    // (the message never carries the token or the key authorization).
    virtual void present(const Identifier& identifier, const std::string& token,
                         const std::string& key_authorization) = 0;
    // How long to wait after present() before telling the CA to validate:
    // material that other processes serve from the store (a fleet's `certa
    // serve` agents re-read it on their poll) needs time to reach them.
    virtual std::chrono::milliseconds settle_time() const { return std::chrono::milliseconds(0); }
    // Called once after present() for every challenge of an order, before the
    // CA is told to validate: returns when the material is served. The default
    // sleeps settle_time(); TlsAlpn01Solver asks the store whether the serving
    // agents have loaded it.
    virtual void settle() {
        if (settle_time().count() > 0) std::this_thread::sleep_for(settle_time());
    }
    // Removes what present() put in place. Best effort: never throws, logs failures.
    virtual void cleanup(const Identifier& identifier, const std::string& token,
                         const std::string& key_authorization) noexcept = 0;
};

// RFC 8555 §8.1: tokens are base64url; anything else is refused before it can
// reach a file name, a URL or the store.
bool is_valid_token(std::string_view token);

}  // namespace certa::acme
