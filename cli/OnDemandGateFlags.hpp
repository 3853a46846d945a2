// The flags that decide which names may be issued on demand, shared by the
// two commands that run an OnDemandGate: `certa serve --on-demand` (at its
// own handshakes) and `certa worker --request-socket` (for nginx's): --allow,
// --ask and its bounds, --on-demand-wait, the rate limits and
// --negative-ttl; and the handshake::OnDemandOptions they make.
#pragma once

#include "handshake/ondemand/OnDemandGate.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace certa::cli {

struct OnDemandGateFlags {
    std::vector<std::string> allow;
    std::string ask;
    int ask_timeout_ms = 2000;
    int ask_rate_per_client = 20;
    int wait_s = 10;
    handshake::OnDemandLimits limits;
    int negative_ttl_s = 300;
};

// Adds the flags above to `cmd`; `wait_help` says what --on-demand-wait bounds there.
void add_on_demand_gate_flags(CLI::App* cmd, OnDemandGateFlags& flags, const std::string& wait_help);

// The gate's options; logs (as `who`: "serve", "worker") where names come from.
handshake::OnDemandOptions make_gate_options(const OnDemandGateFlags& flags, const std::string& who);

}  // namespace certa::cli
