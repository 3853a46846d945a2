// `certa serve`: the handshake daemon. Composes handshake/ (Agent + ServeDaemon)
// with acme/Http01Responder for --http; the two modules never meet elsewhere.
#include "acme/Http01Responder.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "handshake/Agent.hpp"
#include "handshake/ServeDaemon.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <memory>
#include <stdexcept>

namespace certa::cli {

namespace {

struct ServeArgs {
    std::vector<std::string> listen;
    std::string passthrough;
    std::string upstream;
    std::string proxy_protocol;
    std::string default_name;
    std::string http;
    std::size_t max_connections = 1024;
    int idle_timeout_s = 300;
    int shutdown_grace_s = 10;
    int handshake_timeout_s = 10;
};

handshake::HostPort parse_address(const std::string& flag, const std::string& text) {
    try {
        return handshake::HostPort::parse(text);
    } catch (const std::invalid_argument& e) {
        throw CliError(ExitCode::Usage, flag + ": " + e.what());
    }
}

handshake::ServeOptions to_options(const ServeArgs& args) {
    handshake::ServeOptions options;
    if (!args.listen.empty()) {
        options.listen.clear();
        for (const auto& text : args.listen) options.listen.push_back(parse_address("--listen", text));
    }
    if (!args.passthrough.empty()) {
        options.mode = handshake::ForwardMode::Passthrough;
        options.target = parse_address("--passthrough", args.passthrough);
    } else if (!args.upstream.empty()) {
        options.mode = handshake::ForwardMode::Upstream;
        options.target = parse_address("--upstream", args.upstream);
    }
    if (options.mode != handshake::ForwardMode::ChallengesOnly && options.target.host.empty())
        throw CliError(ExitCode::Usage, "the forwarding target needs a host: HOST:PORT");
    if (!args.proxy_protocol.empty()) {
        if (args.proxy_protocol != "v2") throw CliError(ExitCode::Usage, "--proxy-protocol: only v2 is supported");
        if (options.mode == handshake::ForwardMode::ChallengesOnly)
            throw CliError(ExitCode::Usage, "--proxy-protocol needs --passthrough or --upstream");
        options.proxy_protocol_v2 = true;
    }
    options.default_name = args.default_name;
    options.max_connections = args.max_connections;
    options.idle_timeout = std::chrono::seconds(args.idle_timeout_s);
    options.shutdown_grace = std::chrono::seconds(args.shutdown_grace_s);
    options.peek_timeout = std::chrono::seconds(args.handshake_timeout_s);
    options.handshake_timeout = std::chrono::seconds(args.handshake_timeout_s);
    return options;
}

int run_serve(const GlobalOptions& g, const ServeArgs& args) {
    handshake::ServeOptions options = to_options(args);
    // Peers that vanish must not kill the daemon; write errors are handled per connection.
    std::signal(SIGPIPE, SIG_IGN);

    // Create (0600) or migrate the store first: serve is often started before
    // the first `certa issue` (tls-alpn-01 needs the responder up), and the
    // Agent only reads.
    open_store(g);

    handshake::AgentOptions agent_options;
    agent_options.default_name = options.default_name;
    agent_options.poll_interval = options.poll_interval;
    auto agent = handshake::Agent::open(store_path(g), agent_options);
    spdlog::info("serve: store {}: {} certificate(s), {} pending tls-alpn-01 challenge(s)", store_path(g),
                 agent->certificate_count(), agent->challenge_count());

    // --http: the http-01 responder reads challenges through its own store connection.
    std::unique_ptr<storage::Store> http_store;
    std::unique_ptr<acme::Http01Responder> http;
    if (!args.http.empty()) {
        auto address = parse_address("--http", args.http);
        http_store = open_store(g);
        acme::Http01ResponderOptions http_options;
        http_options.address = address.host;
        http_options.port = address.port;
        http = std::make_unique<acme::Http01Responder>(*http_store, http_options);
        spdlog::info("serve: http-01 responder listening on {}",
                     handshake::HostPort{address.host, http->port()}.to_string());
    }

    handshake::ServeDaemon daemon(std::move(options), std::move(agent));
    daemon.run();
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_serve_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<ServeArgs>();
    CLI::App* serve = app.add_subcommand(
        "serve",
        "Answer TLS connections with certificates from the store: tls-alpn-01 challenges (RFC 8737) "
        "always, other connections per --passthrough / --upstream (without either: a TLS handshake "
        "with the stored leaf, then close)");
    serve->add_option("--listen", args->listen, "ADDR:PORT to listen on (repeatable; default :443; IPv6 as [::1]:443)");
    auto* passthrough = serve->add_option("--passthrough", args->passthrough,
                                          "Forward non-challenge connections unchanged (raw TCP) to HOST:PORT");
    auto* upstream = serve->add_option("--upstream", args->upstream,
                                       "Terminate TLS with the stored leaf and forward plaintext to HOST:PORT");
    passthrough->excludes(upstream);
    serve->add_option("--proxy-protocol", args->proxy_protocol,
                      "Send a PROXY protocol header to the target (only: v2)");
    serve->add_option("--default-name", args->default_name,
                      "Certificate name served when the SNI is missing or unknown");
    serve->add_option("--http", args->http, "Also answer http-01 challenges on ADDR:PORT");
    serve->add_option("--max-connections", args->max_connections, "Open connections at most (default 1024)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
    serve->add_option("--idle-timeout", args->idle_timeout_s,
                      "Seconds a forwarded connection may stay silent (default 300)")
        ->check(CLI::Range(1, 86400));
    serve->add_option("--shutdown-grace", args->shutdown_grace_s,
                      "Seconds open connections may take to finish after SIGTERM/SIGINT (default 10)")
        ->check(CLI::Range(0, 3600));
    serve->add_option("--handshake-timeout", args->handshake_timeout_s,
                      "Seconds a client may take to send its ClientHello, and to finish the TLS handshake (default 10)")
        ->check(CLI::Range(1, 600));
    set_action(serve, action, [&g, args] { return run_serve(g, *args); });
}

}  // namespace certa::cli
