// The C API (certa_handshake.h) over certa::handshake::Agent. No exception
// crosses this boundary: failures become NULL / -1 plus certa_last_error().
#include "handshake/certa_handshake.h"

#include "handshake/agent/Agent.hpp"
#include "handshake/agent/StapleResponder.hpp"
#include "handshake/agent/StoreAccess.hpp"
#include "handshake/hello/ClientHelloPeek.hpp"
#include "storage/base/Clock.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <cstring>
#include <exception>
#include <memory>
#include <string>

struct certa_agent {
    std::unique_ptr<certa::handshake::Agent> agent;
};

namespace {

thread_local std::string g_last_error;

void set_error(const char* what) { g_last_error = what ? what : "unknown error"; }

// Runs `body` with every exception turned into certa_last_error() and
// `failed`: the one place where the C boundary catches.
template <typename Result, typename Body>
Result guarded(Result failed, Body&& body) {
    try {
        return body();
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error(nullptr);
    }
    return failed;
}

}  // namespace

extern "C" {

certa_agent* certa_agent_open(const char* store_path, const char* default_name) {
    return certa_agent_open_flags(store_path, default_name, 0);
}

certa_agent* certa_agent_open_flags(const char* store_path, const char* default_name, unsigned int flags) {
    return certa_agent_open_cache(store_path, default_name, flags,
                                  certa::handshake::AgentOptions{}.max_parsed_certificates);
}

certa_agent* certa_agent_open_cache(const char* store_path, const char* default_name, unsigned int flags,
                                    size_t cache_size) {
    g_last_error.clear();
    if (!store_path || !*store_path) {
        set_error("certa_agent_open: store_path is required");
        return nullptr;
    }
    return guarded(static_cast<certa_agent*>(nullptr), [&] {
        certa::handshake::AgentOptions options;
        if (default_name) options.default_name = default_name;
        options.read_only = (flags & CERTA_OPEN_READ_ONLY) != 0;
        options.max_parsed_certificates = cache_size;
        // Off unless asked: nginx's ngx_ssl_handshake treats
        // SSL_ERROR_WANT_CLIENT_HELLO_CB as an error, so a miss loads inline there.
        options.pause_on_miss = (flags & CERTA_OPEN_PAUSE_ON_MISS) != 0;
        auto handle = std::make_unique<certa_agent>();
        handle->agent = certa::handshake::Agent::open(store_path, options);
        return handle.release();
    });
}

int certa_agent_when_loaded(SSL* ssl, void (*ready)(void* arg), void* arg) {
    g_last_error.clear();
    if (!ssl || !ready) {
        set_error("certa_agent_when_loaded: ssl and ready are required");
        return -1;
    }
    return guarded(-1, [&] {
        certa::handshake::Agent::when_loaded(ssl, [ready, arg] { ready(arg); });
        return 0;
    });
}

int certa_agent_attach(certa_agent* agent, SSL_CTX* ctx) {
    g_last_error.clear();
    if (!agent || !ctx) {
        set_error("certa_agent_attach: agent and ctx are required");
        return -1;
    }
    return guarded(-1, [&] {
        agent->agent->attach(ctx);
        return 0;
    });
}

int certa_agent_attach_stapling(certa_agent* agent, SSL_CTX* ctx) {
    g_last_error.clear();
    if (!ctx) {
        set_error("certa_agent_attach_stapling: ctx is required");
        return -1;
    }
    return guarded(-1, [&] {
        if (agent)
            agent->agent->attach_stapling(ctx);
        else
            certa::handshake::StapleResponder::install_detached(ctx);
        return 0;
    });
}

int certa_agent_refresh(certa_agent* agent) {
    g_last_error.clear();
    if (!agent) {
        set_error("certa_agent_refresh: agent is required");
        return -1;
    }
    return guarded(-1, [&] {
        agent->agent->refresh();
        return 0;
    });
}

int certa_store_check(const char* store_path, long uid, long gid, size_t* certificates) {
    g_last_error.clear();
    if (!store_path || !*store_path) {
        set_error("no store given");
        return -1;
    }
    return guarded(-1, [&] {
        if (uid >= 0 && gid >= 0) {
            const std::string problem = certa::handshake::store_access_problem(
                store_path, static_cast<uid_t>(uid), static_cast<gid_t>(gid));
            if (!problem.empty()) {
                set_error(problem.c_str());
                return -1;
            }
        }
        certa::handshake::AgentOptions options;
        options.read_only = true;
        options.watch = false;
        options.preparse = false;
        auto agent = certa::handshake::Agent::open(store_path, options);
        if (certificates) *certificates = agent->certificate_count();
        return 0;
    });
}

int certa_agent_record_client_hello(certa_agent* agent, SSL* ssl) {
    if (!agent || !ssl) return -1;
    try {
        agent->agent->record_client_hello(ssl);
    } catch (...) {
        // Out of memory: the certificate callback rebuilds what it can from the SSL.
    }
    return 0;
}

int certa_agent_select_certificate(certa_agent* agent, SSL* ssl, const char* default_name) {
    if (!agent || !ssl) return CERTA_SELECT_CONTEXT;
    try {
        using Choice = certa::handshake::Agent::HostChoice;
        switch (agent->agent->select_for_host(ssl, default_name ? default_name : "")) {
            case Choice::Leaf: return CERTA_SELECT_LEAF;
            case Choice::Challenge: return CERTA_SELECT_CHALLENGE;
            case Choice::Refused: return CERTA_SELECT_REFUSED;
            case Choice::Context: return CERTA_SELECT_CONTEXT;
        }
    } catch (...) {
        // Out of memory on the handshake path: the context's certificate stays.
    }
    return CERTA_SELECT_CONTEXT;
}

int certa_agent_select_alpn(certa_agent* agent, SSL* ssl, const unsigned char** out, unsigned char* outlen,
                            const unsigned char* in, unsigned int inlen) {
    if (!agent || !ssl || !out || !outlen || !in) return 0;
    try {
        return agent->agent->select_challenge_alpn(ssl, out, outlen, in, inlen) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

int certa_peek_sni(const unsigned char* buf, size_t len, char* out, size_t outlen) {
    if (!buf || !out || outlen == 0) return CERTA_PEEK_NONE;
    static_assert(CERTA_PEEK_MAX_BYTES == certa::handshake::kMaxPeekBytes);
    try {
        using Status = certa::handshake::PeekedClientHello::Status;
        const auto hello = certa::handshake::parse_client_hello({buf, len});
        if (hello.status == Status::NeedMore) return CERTA_PEEK_MORE;
        if (hello.status == Status::Invalid || !hello.has_sni || hello.sni.size() >= outlen) return CERTA_PEEK_NONE;
        std::memcpy(out, hello.sni.c_str(), hello.sni.size() + 1);
        return hello.offers_acme_tls ? CERTA_PEEK_CHALLENGE : CERTA_PEEK_NAME;
    } catch (...) {
        return CERTA_PEEK_NONE;  // out of memory
    }
}

int certa_agent_has_name(const certa_agent* agent, const char* server_name) {
    if (!agent || !server_name) return CERTA_NAME_NOT_DNS;
    try {
        const auto name = certa::storage::normalize_server_name(server_name);
        if (!name || name->kind != certa::storage::NormalizedName::Kind::Dns) return CERTA_NAME_NOT_DNS;
        const auto validity = agent->agent->validity_for(name->name);
        const auto now = certa::storage::unix_now();
        return validity && validity->not_before <= now && now < validity->not_after ? CERTA_NAME_SERVED
                                                                                    : CERTA_NAME_MISSING;
    } catch (...) {
        return CERTA_NAME_MISSING;  // out of memory
    }
}

size_t certa_agent_certificate_count(const certa_agent* agent) {
    return agent ? agent->agent->certificate_count() : 0;
}

size_t certa_agent_parsed_count(const certa_agent* agent) {
    return agent ? static_cast<size_t>(agent->agent->stats().parsed) : 0;
}

void certa_agent_close(certa_agent* agent) {
    std::unique_ptr<certa_agent> owned(agent);  // joins the watcher via ~Agent
}

const char* certa_last_error(void) { return g_last_error.c_str(); }

}  // extern "C"
