#include "handshake/agent/StapleResponder.hpp"

#include "handshake/agent/OcspStapling.hpp"
#include "storage/base/Clock.hpp"

#include <stdexcept>

namespace certa::handshake {

void StapleResponder::install(SSL_CTX* ctx) {
    if (!ctx) throw std::invalid_argument("Agent::attach_stapling: null SSL_CTX");
    SSL_CTX_set_tlsext_status_cb(ctx, &StapleResponder::on_status_request);
    SSL_CTX_set_tlsext_status_arg(ctx, this);
}

void StapleResponder::install_detached(SSL_CTX* ctx) {
    if (!ctx) throw std::invalid_argument("attach_stapling: null SSL_CTX");
    SSL_CTX_set_tlsext_status_cb(ctx, &StapleResponder::on_status_request);
    SSL_CTX_set_tlsext_status_arg(ctx, nullptr);
}

int StapleResponder::on_status_request(SSL* ssl, void* arg) {
    auto* self = static_cast<StapleResponder*>(arg);  // null when installed detached
    const storage::UnixTime now = storage::unix_now();
    std::int64_t id = 0;
    switch (staple_response(ssl, now, id)) {
        case StapleResult::None: return SSL_TLSEXT_ERR_NOACK;
        case StapleResult::Expired:
            // Never stapled; a refresh is asked for (by the watcher, not here).
            if (self) {
                self->expired_.add();
                self->maintenance_.note_stale_staple(id, now);
            }
            return SSL_TLSEXT_ERR_NOACK;
        case StapleResult::Stale:
            if (self) self->maintenance_.note_stale_staple(id, now);
            break;
        case StapleResult::Stapled: break;
    }
    if (self) self->stapled_.add();
    return SSL_TLSEXT_ERR_OK;
}

}  // namespace certa::handshake
