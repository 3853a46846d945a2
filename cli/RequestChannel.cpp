#include "cli/RequestChannel.hpp"

#include "cli/CliError.hpp"
#include "cli/OpenStore.hpp"

#include <grp.h>
#include <spdlog/spdlog.h>

namespace certa::cli {

std::unique_ptr<RequestChannel> start_request_channel(const GlobalOptions& g, const RequestChannelFlags& flags) {
    if (flags.path.empty()) {
        if (!flags.group.empty()) throw CliError(ExitCode::Usage, "--request-group needs --request-socket");
        return nullptr;
    }
    handshake::RequestSocketOptions socket_options;
    socket_options.path = flags.path;
    if (!flags.group.empty()) {
        const group* found = ::getgrnam(flags.group.c_str());
        if (!found) throw CliError(ExitCode::Usage, "--request-group: no group named " + flags.group);
        socket_options.group = found->gr_gid;
    }
    auto channel = std::make_unique<RequestChannel>();
    handshake::AgentOptions agent_options;
    agent_options.preparse = false;            // only validity_for(): nothing is parsed
    agent_options.max_parsed_certificates = 1;
    agent_options.read_only = true;
    channel->agent = handshake::Agent::open(store_path(g), agent_options);
    channel->gate = std::make_unique<handshake::OnDemandGate>(make_gate_options(flags.gate, "worker"), *channel->agent,
                                                              open_store(g));
    try {
        channel->socket = std::make_unique<handshake::RequestSocket>(socket_options, *channel->gate);
    } catch (const handshake::RequestSocketError& e) {
        throw CliError(ExitCode::Failure, std::string("--request-socket: ") + e.what());
    }
    spdlog::info("worker: on-demand requests on {} (mode 0660{}{})", flags.path,
                 flags.group.empty() ? "" : ", group ", flags.group);
    return channel;
}

}  // namespace certa::cli
