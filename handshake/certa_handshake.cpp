// The C API (certa_handshake.h) over certa::handshake::Agent. No exception
// crosses this boundary: failures become NULL / -1 plus certa_last_error().
#include "handshake/certa_handshake.h"

#include "handshake/agent/Agent.hpp"

#include <exception>
#include <memory>
#include <string>

struct certa_agent {
    std::unique_ptr<certa::handshake::Agent> agent;
};

namespace {

thread_local std::string g_last_error;

void set_error(const char* what) { g_last_error = what ? what : "unknown error"; }

}  // namespace

extern "C" {

certa_agent* certa_agent_open(const char* store_path, const char* default_name) {
    g_last_error.clear();
    if (!store_path || !*store_path) {
        set_error("certa_agent_open: store_path is required");
        return nullptr;
    }
    try {
        certa::handshake::AgentOptions options;
        if (default_name) options.default_name = default_name;
        auto handle = std::make_unique<certa_agent>();
        handle->agent = certa::handshake::Agent::open(store_path, options);
        return handle.release();
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error(nullptr);
    }
    return nullptr;
}

int certa_agent_attach(certa_agent* agent, SSL_CTX* ctx) {
    g_last_error.clear();
    if (!agent || !ctx) {
        set_error("certa_agent_attach: agent and ctx are required");
        return -1;
    }
    try {
        agent->agent->attach(ctx);
        return 0;
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error(nullptr);
    }
    return -1;
}

int certa_agent_refresh(certa_agent* agent) {
    g_last_error.clear();
    if (!agent) {
        set_error("certa_agent_refresh: agent is required");
        return -1;
    }
    try {
        agent->agent->refresh();
        return 0;
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error(nullptr);
    }
    return -1;
}

size_t certa_agent_certificate_count(const certa_agent* agent) {
    return agent ? agent->agent->certificate_count() : 0;
}

void certa_agent_close(certa_agent* agent) {
    std::unique_ptr<certa_agent> owned(agent);  // joins the watcher via ~Agent
}

const char* certa_last_error(void) { return g_last_error.c_str(); }

}  // extern "C"
