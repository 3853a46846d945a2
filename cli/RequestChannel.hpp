// `certa worker --request-socket`: the on-demand request channel for servers
// that only read the store (nginx's workers). It composes, from handshake/,
// an Agent following the store (what is served, and until when), the
// OnDemandGate that `certa serve --on-demand` uses (same flags, same rules,
// same limits; it writes the issuance requests) and the RequestSocket that
// asks the gate on behalf of those servers. The worker's acme::OnDemandWorker
// then fulfils what the gate wrote, exactly as for serve.
#pragma once

#include "cli/GlobalOptions.hpp"
#include "cli/OnDemandGateFlags.hpp"
#include "handshake/agent/Agent.hpp"
#include "handshake/ondemand/OnDemandGate.hpp"
#include "handshake/ondemand/RequestSocket.hpp"

#include <memory>
#include <string>

namespace certa::cli {

struct RequestChannelFlags {
    std::string path;   // --request-socket ("": no channel)
    std::string group;  // --request-group: the socket file's group (mode 0660)
    OnDemandGateFlags gate;
};

// Members in teardown order, last first: the socket stops before the gate it
// asks, the gate before the agent it reads.
struct RequestChannel {
    std::unique_ptr<handshake::Agent> agent;
    std::unique_ptr<handshake::OnDemandGate> gate;
    std::unique_ptr<handshake::RequestSocket> socket;
};

// nullptr without --request-socket. Throws CliError for an unknown group or
// a socket that cannot be made.
std::unique_ptr<RequestChannel> start_request_channel(const GlobalOptions& g, const RequestChannelFlags& flags);

}  // namespace certa::cli
