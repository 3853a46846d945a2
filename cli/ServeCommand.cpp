// `certa serve`: the handshake daemon. Composes handshake/ (Agent + ServeDaemon)
// with acme/Http01Responder for --http (the two modules never meet elsewhere)
// and cli/metrics/ for --metrics.
#include "acme/challenge/Http01Responder.hpp"
#include "acme/issue/IssueSettingsCheck.hpp"
#include "acme/issue/OnDemandWorker.hpp"
#include "cli/AddressFlag.hpp"
#include "cli/PrivilegeDrop.hpp"
#include "acme/issue/OnDemandWorker.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OnDemandGateFlags.hpp"
#include "cli/OnDemandIssueFlags.hpp"
#include "cli/OpenStore.hpp"
#include "cli/PrivilegeDrop.hpp"
#include "cli/metrics/MetricsServer.hpp"
#include "cli/metrics/ServeMetrics.hpp"
#include "handshake/agent/Agent.hpp"
#include "handshake/ondemand/OnDemandGate.hpp"
#include "handshake/serve/ServeDaemon.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

namespace certa::cli {

namespace {

struct ServeArgs {
    std::vector<std::string> listen;
    std::string passthrough;
    std::string upstream;
    std::string proxy_protocol;
    std::string default_name;
    std::string http;
    std::string metrics;
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_client = 128;
    int threads = 0;  // 0: one per CPU
    int first_byte_timeout_s = 5;
    int idle_timeout_s = 300;
    int shutdown_grace_s = 10;
    int handshake_timeout_s = 10;
    std::size_t cache_size = 100000;  // certificates held parsed at most (0: no bound)
    // --on-demand
    bool on_demand = false;
    OnDemandGateFlags gate;
    OnDemandIssueFlags issue;  // tls-alpn-01 by default: answered by this very daemon
    std::string user;  // --user: drop to this user after binding
};

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
    options.max_connections_per_client = args.max_connections_per_client;
    // One io thread (with its own listener per address) per CPU by default.
    options.threads = args.threads > 0 ? args.threads
                                       : static_cast<int>(std::max(1u, std::min(64u, std::thread::hardware_concurrency())));
    options.first_byte_timeout = std::chrono::seconds(args.first_byte_timeout_s);
    options.idle_timeout = std::chrono::seconds(args.idle_timeout_s);
    options.shutdown_grace = std::chrono::seconds(args.shutdown_grace_s);
    options.peek_timeout = std::chrono::seconds(args.handshake_timeout_s);
    options.handshake_timeout = std::chrono::seconds(args.handshake_timeout_s);
    return options;
}

// What `certa serve` runs. Members are destroyed in reverse order of
// declaration, and that order IS the teardown order:
//   1. worker: the on-demand worker refreshes the Agent; it stops (and joins) first;
//   2. metrics_server, then metrics: the endpoint reads the daemon's counters,
//      the Agent and the gate, so it stops before any of them goes;
//   3. daemon: stops its io threads, then destroys the Agent it owns;
//   4. gate: shared with the daemon's options, released after it;
//   5. http, then http_store: the http-01 responder, before the store it reads.
// Keep new members in this order: declare a part after everything it uses.
struct ServeRuntime {
    std::unique_ptr<storage::Store> http_store;
    std::unique_ptr<acme::Http01Responder> http;
    std::shared_ptr<handshake::OnDemandGate> gate;
    std::unique_ptr<handshake::ServeDaemon> daemon;
    handshake::Agent* agent = nullptr;  // owned by daemon
    std::unique_ptr<ServeMetrics> metrics;
    std::unique_ptr<MetricsServer> metrics_server;
    std::unique_ptr<acme::OnDemandWorker> worker;
};

// Creates (0600) or migrates the store: serve is often started before the
// first `certa issue` (tls-alpn-01 needs the responder up), and the Agent
// only reads. Returns whether a store created now must go to --user (the
// store's descriptors outlive the drop, so the store must be the user's).
bool prepare_store(const GlobalOptions& g, const ServeArgs& args, std::string& location) {
    const bool store_for_user = !args.user.empty() && check_store_owner_for_drop(args.user, store_path(g));
    location = open_store(g)->location();  // never carries a password
    return store_for_user;
}

std::unique_ptr<handshake::Agent> open_agent(const GlobalOptions& g, const handshake::ServeOptions& options,
                                             const ServeArgs& args, const std::string& store_location) {
    handshake::AgentOptions agent_options;
    agent_options.default_name = options.default_name;
    agent_options.poll_interval = options.poll_interval;
    agent_options.max_parsed_certificates = args.cache_size;
    // A miss loads its row on the agent's loader threads: the io thread serves
    // other connections meanwhile (TlsSocketStream resumes the paused handshake).
    agent_options.pause_on_miss = true;
    // A row that fails to load on a miss: one line (rate-limited by the agent), never key material.
    agent_options.on_load_error = [](std::int64_t id, const std::string& message) {
        spdlog::warn("serve: certificate {} skipped: {}", id, message);
    };
    const std::string agent_id = handshake::ServeDaemon::report_to_store(agent_options);
    auto agent = handshake::Agent::open(store_path(g), agent_options);
    spdlog::info("serve: store {}: {} certificate(s), {} pending tls-alpn-01 challenge(s); at most {} held parsed",
                 store_location, agent->certificate_count(), agent->challenge_count(),
                 args.cache_size == 0 ? std::string("all") : std::to_string(args.cache_size));
    spdlog::info("serve: reporting the loaded generation to the store as agent {}", agent_id);
    return agent;
}

// --http: the http-01 responder reads challenges through its own store connection.
void start_http(const GlobalOptions& g, const ServeArgs& args, ServeRuntime& rt) {
    if (args.http.empty()) return;
    auto address = parse_address("--http", args.http);
    rt.http_store = open_store(g);
    acme::Http01ResponderOptions http_options;
    http_options.address = address.host;
    http_options.port = address.port;
    rt.http = std::make_unique<acme::Http01Responder>(*rt.http_store, http_options);
    spdlog::info("serve: http-01 responder listening on {}",
                 handshake::HostPort{address.host, rt.http->port()}.to_string());
}

// --on-demand: the gate (handshake/) records requests in the store; the
// worker (acme/) fulfils them. They share nothing but the store. Returns the
// worker's options when this daemon fulfils requests (--server).
std::optional<acme::OnDemandWorkerOptions> start_on_demand(const GlobalOptions& g, ServeArgs& args,
                                                           handshake::Agent& agent, ServeRuntime& rt) {
    if (!args.on_demand) return std::nullopt;
    rt.gate = std::make_shared<handshake::OnDemandGate>(make_gate_options(args.gate, "serve"), agent, open_store(g));
    if (args.issue.cas.servers.empty()) {
        spdlog::info("serve: on-demand requests go to the store; certa worker (or certa serve --server) fulfils them");
        return std::nullopt;
    }
    auto worker_options = make_on_demand_worker_options(store_path(g), args.issue);
    spdlog::info("serve: on-demand issuance from {} ({})", worker_options.settings.ca_list_text(),
                 worker_options.settings.challenge);
    return worker_options;
}

// --metrics: after the daemon, whose counters it reads.
void start_metrics(const GlobalOptions& g, const handshake::HostPort& address, ServeRuntime& rt) {
    rt.metrics = std::make_unique<ServeMetrics>(ServeMetricsSources{*rt.agent, rt.daemon->counters(), rt.gate.get()},
                                                open_store(g));
    try {
        rt.metrics_server = std::make_unique<MetricsServer>(address, [m = rt.metrics.get()] { return m->render(); });
    } catch (const MetricsServerError& e) {
        throw CliError(ExitCode::Failure, std::string("--metrics: ") + e.what());
    }
    spdlog::info("serve: metrics on http://{}/metrics",
                 handshake::HostPort{address.host, rt.metrics_server->port()}.to_string());
}

// Every socket is bound and the store open: give up root before the first connection.
void drop_to_user(const GlobalOptions& g, const ServeArgs& args, bool store_for_user) {
    if (args.user.empty()) return;
    // A store created above for the user, with the -wal and -shm every connection holds now.
    if (store_for_user) give_store_to(args.user, store_path(g));
    drop_privileges(args.user);
    spdlog::info("serve: running as user {} (uid {}, gid {})", args.user, ::getuid(), ::getgid());
}

int run_serve(const GlobalOptions& g, ServeArgs& args) {
    handshake::ServeOptions options = to_options(args);
    std::optional<handshake::HostPort> metrics_address;
    if (!args.metrics.empty()) metrics_address = parse_address("--metrics", args.metrics);
    // Peers that vanish must not kill the daemon; write errors are handled per connection.
    std::signal(SIGPIPE, SIG_IGN);

    std::string store_location;
    const bool store_for_user = prepare_store(g, args, store_location);
    auto agent = open_agent(g, options, args, store_location);
    ServeRuntime rt;  // its members' order is the teardown order
    start_http(g, args, rt);
    auto worker_options = start_on_demand(g, args, *agent, rt);
    options.on_demand = rt.gate;
    rt.agent = agent.get();
    rt.daemon = std::make_unique<handshake::ServeDaemon>(std::move(options), std::move(agent));
    if (metrics_address) start_metrics(g, *metrics_address, rt);
    drop_to_user(g, args, store_for_user);
    if (worker_options) {
        worker_options->after_present = [served = rt.agent] { served->refresh(); };
        rt.worker = std::make_unique<acme::OnDemandWorker>(*worker_options);
    }
    rt.daemon->run();
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
    serve->add_option("--user", args->user,
                      "After binding its ports and opening the store, become this user (groups, gid, uid dropped); "
                      "the store must belong to it (a new store is created for it)");
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
    serve->add_option("--cache-size", args->cache_size,
                      "Certificates held parsed in memory at most (default 100000; 0: all); the others are read "
                      "from the store by id on their next handshake")
        ->check(CLI::NonNegativeNumber);
    serve->add_option("--http", args->http, "Also answer http-01 challenges on ADDR:PORT");
    serve->add_option("--metrics", args->metrics,
                      "Serve Prometheus metrics on http://ADDR:PORT/metrics (e.g. 127.0.0.1:9464)");
    serve->add_option("--threads", args->threads,
                      "io threads, each with its own listening socket per address (default: one per CPU)")
        ->check(CLI::Range(1, 256));
    serve->add_option("--max-connections", args->max_connections, "Open connections at most (default 1024); when all are open, the oldest still waiting for its "
                      "ClientHello is closed to admit a new one")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
    serve->add_option("--max-connections-per-client", args->max_connections_per_client,
                      "Open connections per client address (IPv4 address, IPv6 /64) at most, shrinking as the table "
                      "fills (to N/8, at least 8, at a full table); 0: no limit (default 128)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
    serve->add_option("--first-byte-timeout", args->first_byte_timeout_s,
                      "Seconds a new connection may stay silent before its first byte (default 5)")
        ->check(CLI::Range(1, 600));
    serve->add_option("--idle-timeout", args->idle_timeout_s,
                      "Seconds a forwarded connection may stay silent (default 300)")
        ->check(CLI::Range(1, 86400));
    serve->add_option("--shutdown-grace", args->shutdown_grace_s,
                      "Seconds open connections may take to finish after SIGTERM/SIGINT (default 10)")
        ->check(CLI::Range(0, 3600));
    serve->add_option("--handshake-timeout", args->handshake_timeout_s,
                      "Seconds a client may take to send its ClientHello, and to finish the TLS handshake (default 10)")
        ->check(CLI::Range(1, 600));
    serve->add_flag("--on-demand", args->on_demand,
                    "Obtain certificates at handshake time for allowed names (see --allow, --ask and certa ondemand)");
    add_on_demand_gate_flags(serve, args->gate, "On-demand: seconds a handshake waits for its certificate (default 10)");
    add_on_demand_issue_flags(serve, args->issue, "On-demand: ", "only record requests",
                              "tls-alpn-01 (default; answered by this daemon) or http-01 (needs --http)");
    set_action(serve, action, [&g, args] { return run_serve(g, *args); });
}

}  // namespace certa::cli
