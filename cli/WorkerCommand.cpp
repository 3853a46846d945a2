// `certa worker`: the ACME side as a daemon, for servers that read the store
// but must not write it or talk to a CA (nginx with ngx_http_certa_module,
// several `certa serve` processes without --server). It
//   - fulfils the on-demand issuance requests recorded in the store
//     (acme::OnDemandWorker: one lease per name, so several workers and
//     serve --server processes never order a name twice), with --server;
//   - refreshes the OCSP responses that are due (cli/OcspStep) and renews
//     what is due, every --renew-every seconds (acme::Renewer, the
//     same leases, schedule, ARI and allow file as `certa renew`), logging
//     one line per certificate renewed, deployed or failed;
//   - answers http-01 with --http, and serves the store's metrics with --metrics;
//   - with --request-socket, takes on-demand requests from servers that only
//     read the store (nginx's workers), under the same rules as `certa serve
//     --on-demand` (cli/RequestChannel).
// SIGTERM or SIGINT stops it between steps (a renewal in flight finishes
// first; its lease makes a kill -9 safe too). Runs in the foreground (systemd:
// certa-worker.service).
#include "acme/challenge/Http01Responder.hpp"
#include "acme/renew/Renewer.hpp"
#include "cli/AddressFlag.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/DeployFlags.hpp"
#include "cli/OcspStep.hpp"
#include "cli/OnDemandIssueFlags.hpp"
#include "cli/OpenStore.hpp"
#include "cli/RenewOutcomeText.hpp"
#include "cli/RequestChannel.hpp"
#include "cli/metrics/MetricsServer.hpp"
#include "cli/metrics/PrometheusText.hpp"
#include "cli/metrics/StoreMetricsText.hpp"
#include "storage/open/StorePath.hpp"
#include "storage/base/Clock.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <memory>
#include <mutex>

namespace certa::cli {

namespace {

struct WorkerArgs {
    OnDemandIssueFlags issue;
    std::string http;
    std::string metrics;
    int renew_every_s = 600;
    int lease_ttl_s = 120;
    int hook_timeout_s = 300;
    std::string allow_file = "/etc/certa/allow";
    RequestChannelFlags requests;
};

// What --metrics adds to the store's families.
struct WorkerCounters {
    std::atomic<std::int64_t> passes{0};
    std::atomic<std::int64_t> renewed{0};
    std::atomic<std::int64_t> failed{0};
    std::atomic<std::int64_t> last_pass{0};  // unix time of the last finished pass
};

// The termination signals, blocked in every thread (they inherit the mask)
// and taken synchronously by the main loop.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

// Waits up to `seconds` for SIGTERM/SIGINT; true when one came.
bool stop_requested_within(const sigset_t& set, int seconds) {
    timespec left{seconds, 0};
    for (;;) {
        const int sig = ::sigtimedwait(&set, nullptr, &left);
        if (sig > 0) return true;
        if (errno == EAGAIN) return false;
        if (errno != EINTR) return false;
    }
}

// One renewal pass; what failed is logged, nothing is thrown.
void renewal_pass(const GlobalOptions& g, const WorkerArgs& args, WorkerCounters& counters) {
    try {
        auto store = open_store(g);
        acme::RenewOptions options;
        options.policy = storage::is_private_store(store_path(g)) ? acme::LocalPolicy::trust_store()
                                                                  : acme::LocalPolicy::from_file(args.allow_file);
        options.owner = lease_owner();
        options.lease_ttl_s = args.lease_ttl_s;
        options.hook_timeout = std::chrono::seconds(args.hook_timeout_s);
        for (const auto& o : run_ocsp_step(*store))
            if (const std::string line = ocsp_text_line(o); !line.empty()) spdlog::warn("worker: {}", line);
        acme::Renewer renewer(*store, options);
        for (const auto& o : renewer.run()) {
            if (o.status == acme::RenewStatus::NotDue) continue;
            const bool bad = o.status == acme::RenewStatus::Failed || !o.deploy_error.empty();
            if (bad) ++counters.failed;
            if (o.status == acme::RenewStatus::Renewed) ++counters.renewed;
            if (bad) spdlog::warn("worker: {}", text_line(o));
            else spdlog::info("worker: {}", text_line(o));
        }
    } catch (const std::exception& e) {
        ++counters.failed;
        spdlog::error("worker: renewal pass failed: {}", e.what());
    }
    ++counters.passes;
    counters.last_pass = certa::storage::unix_now();
}

// The request socket's answers, by kind (none without --request-socket).
void append_request_metrics(PrometheusText& out, const RequestChannel* channel) {
    if (!channel) return;
    const auto s = channel->socket->stats();
    out.family("certa_worker_ondemand_requests_total", "counter",
               "On-demand requests on --request-socket, by answer: wait (requested or pending), deny (policy, "
               "rate limit or full queue), serve (a valid certificate is there), bad (malformed line), "
               "over_limit (connection refused: too many open).");
    out.sample({{"answer", "wait"}}, s.waits);
    out.sample({{"answer", "deny"}}, s.denials);
    out.sample({{"answer", "serve"}}, s.requests - s.waits - s.denials);
    out.sample({{"answer", "bad"}}, s.bad_lines);
    out.sample({{"answer", "over_limit"}}, s.over_limit);
}

std::unique_ptr<MetricsServer> start_metrics(const GlobalOptions& g, const std::string& flag_value,
                                             const WorkerCounters& counters, const RequestChannel* channel) {
    auto address = parse_address("--metrics", flag_value);
    struct Source {
        std::mutex mutex;
        std::unique_ptr<storage::Store> store;
        std::unique_ptr<StoreMetricsReader> reader;
    };
    auto source = std::make_shared<Source>();
    source->store = open_store(g);
    source->reader = std::make_unique<StoreMetricsReader>(*source->store);
    auto render = [source, &counters, channel] {
        std::lock_guard lock(source->mutex);
        PrometheusText out;
        append_store_metrics(out, source->reader->read());
        out.single("certa_worker_renewal_passes_total", "counter", "Renewal passes the worker finished",
                   counters.passes.load());
        out.single("certa_worker_renewed_total", "counter", "Certificates the worker renewed", counters.renewed.load());
        out.single("certa_worker_failures_total", "counter",
                   "Renewals (or whole passes) the worker saw fail", counters.failed.load());
        out.single("certa_worker_last_pass_timestamp_seconds", "gauge",
                   "When the worker's last renewal pass finished (unix time)", counters.last_pass.load());
        append_request_metrics(out, channel);
        return out.text();
    };
    try {
        auto server = std::make_unique<MetricsServer>(address, render);
        spdlog::info("worker: metrics on http://{}/metrics",
                     storage::net::HostPort{address.host, server->port()}.to_string());
        return server;
    } catch (const MetricsServerError& e) {
        throw CliError(ExitCode::Failure, std::string("--metrics: ") + e.what());
    }
}

int run_worker(const GlobalOptions& g, WorkerArgs& args) {
    // Before any thread starts, so that every thread inherits the mask.
    const sigset_t signals = stop_signals();
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    const std::string location = open_store(g)->location();  // creates or migrates; never carries a password
    WorkerCounters counters;
    // Declared in teardown order, last first: the on-demand worker stops
    // before the http-01 responder that answers its challenges.
    std::unique_ptr<storage::Store> http_store;
    std::unique_ptr<acme::Http01Responder> http;
    std::unique_ptr<RequestChannel> requests = start_request_channel(g, args.requests);
    std::unique_ptr<MetricsServer> metrics;
    std::unique_ptr<acme::OnDemandWorker> on_demand;
    if (!args.http.empty()) {
        auto address = parse_address("--http", args.http);
        http_store = open_store(g);
        http = std::make_unique<acme::Http01Responder>(*http_store,
                                                       acme::Http01ResponderOptions{address.host, address.port});
        spdlog::info("worker: http-01 responder listening on {}",
                     storage::net::HostPort{address.host, http->port()}.to_string());
    }
    if (!args.metrics.empty()) metrics = start_metrics(g, args.metrics, counters, requests.get());
    if (args.issue.cas.servers.empty()) {
        spdlog::info("worker: store {}: renewing what is due every {} s; no --server, so on-demand requests wait",
                     location, args.renew_every_s);
    } else {
        auto options = make_on_demand_worker_options(store_path(g), args.issue);
        spdlog::info("worker: store {}: on-demand issuance from {} ({}), renewing what is due every {} s", location,
                     options.settings.ca_list_text(), options.settings.challenge, args.renew_every_s);
        on_demand = std::make_unique<acme::OnDemandWorker>(std::move(options));
    }
    do {
        renewal_pass(g, args, counters);
    } while (!stop_requested_within(signals, args.renew_every_s));
    spdlog::info("worker: stopping");
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_worker_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<WorkerArgs>();
    CLI::App* cmd = app.add_subcommand(
        "worker",
        "Run the ACME side as a daemon: fulfil on-demand requests recorded in the store (with --server) and renew "
        "what is due, for servers that only read the store (nginx with the certa module, certa serve)");
    add_on_demand_issue_flags(cmd, args->issue, "On-demand: ", "renew only; requests wait for a worker that has it",
                              "tls-alpn-01 (default; answered from the store by certa serve or nginx's certa module) "
                              "or http-01 (answered by --http, or by certa serve --http)");
    cmd->add_option("--http", args->http, "Answer http-01 challenges on ADDR:PORT");
    cmd->add_option("--metrics", args->metrics,
                    "Serve the store's metrics and the worker's counters on http://ADDR:PORT/metrics");
    cmd->add_option("--renew-every", args->renew_every_s, "Seconds between renewal passes (default 600)")
        ->check(CLI::Range(1, 86400));
    cmd->add_option("--lease-ttl", args->lease_ttl_s,
                    "Seconds a crashed worker keeps a certificate locked (default 120, at least 3)")
        ->check(CLI::Range(3, 3600));
    cmd->add_option("--hook-timeout", args->hook_timeout_s, "Seconds a deploy hook may run (default 300)")
        ->check(CLI::Range(1, 86400));
    cmd->add_option("--allow-file", args->allow_file,
                    "With a shared store: the local allow file for recorded hooks, export dirs, webroot and CA "
                    "bundle (default /etc/certa/allow)");
    cmd->add_option("--request-socket", args->requests.path,
                    "Take on-demand requests from servers that only read the store (nginx's certa_on_demand) on "
                    "this local socket (e.g. /run/certa/worker.sock), under the rules of --allow, --ask and the "
                    "store's list");
    cmd->add_option("--request-group", args->requests.group,
                    "Group of the --request-socket file (mode 0660), e.g. www-data for nginx's workers");
    add_on_demand_gate_flags(cmd, args->requests.gate,
                             "On-demand: seconds a requested name counts as pending (nginx's certa_on_demand wait; "
                             "default 10)");
    set_action(cmd, action, [&g, args] { return run_worker(g, *args); });
}

}  // namespace certa::cli
