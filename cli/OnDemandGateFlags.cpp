#include "cli/OnDemandGateFlags.hpp"

#include "acme/protocol/HttpClient.hpp"
#include "handshake/ondemand/AskUrl.hpp"

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>

namespace certa::cli {

namespace {

// --ask URL: GET URL?domain=NAME, 200 means allowed. Runs on the gate's
// asker thread (never on a handshake), bounded by --ask-timeout. Errors carry
// the URL with its query and user info redacted (they may hold a token).
std::function<bool(const std::string&)> make_ask(const std::string& url, int timeout_ms) {
    if (url.empty()) return {};
    return [url, timeout_ms](const std::string& name) {
        thread_local std::unique_ptr<acme::HttpClient> client;
        if (!client) {
            acme::HttpOptions http;
            http.connect_timeout_ms = timeout_ms;
            http.timeout_ms = timeout_ms;
            http.max_body = 4096;
            http.https_only = false;  // the operator's own service, often on loopback; not ACME
            client = std::make_unique<acme::HttpClient>(http);
        }
        const char* separator = url.find('?') == std::string::npos ? "?" : "&";
        try {
            return client->get(url + separator + "domain=" + name).status == 200;  // names are [a-z0-9.-] only
        } catch (const std::exception& e) {
            throw handshake::AskError(handshake::redact_ask_secrets(e.what(), url));
        }
    };
}

}  // namespace

void add_on_demand_gate_flags(CLI::App* cmd, OnDemandGateFlags& flags, const std::string& wait_help) {
    cmd->add_option("--allow", flags.allow, "On-demand: allowed name or *.example.com pattern (repeatable)");
    cmd->add_option("--ask", flags.ask, "On-demand: GET URL?domain=NAME; 200 allows the name (answers cached)");
    cmd->add_option("--ask-timeout-ms", flags.ask_timeout_ms, "On-demand: bound of one --ask request (default 2000)")
        ->check(CLI::Range(100, 60000));
    cmd->add_option("--ask-rate-per-client", flags.ask_rate_per_client,
                    "On-demand: --ask checks one client address (IPv6: one /64) may cause per minute (default 20)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--on-demand-wait", flags.wait_s, wait_help)->check(CLI::Range(1, 300));
    cmd->add_option("--rate-per-name", flags.limits.per_name_per_minute,
                    "On-demand: requests per name per minute (default 2)");
    cmd->add_option("--rate-per-domain", flags.limits.per_domain_per_minute,
                    "On-demand: requests per registered domain (approximated as the last two labels) per minute "
                    "(default 10)");
    cmd->add_option("--rate-global", flags.limits.global_per_minute,
                    "On-demand: requests per minute in all (default 60)");
    cmd->add_option("--negative-ttl", flags.negative_ttl_s,
                    "On-demand: seconds a refused name stays refused (default 300)");
}

handshake::OnDemandOptions make_gate_options(const OnDemandGateFlags& flags, const std::string& who) {
    if (flags.allow.empty() && flags.ask.empty())
        spdlog::info("{}: on-demand names come only from the store's list (certa ondemand allow)", who);
    handshake::OnDemandOptions options;
    options.allow = flags.allow;
    options.ask = make_ask(flags.ask, flags.ask_timeout_ms);
    options.asks_per_client_per_minute = flags.ask_rate_per_client;
    if (!flags.ask.empty())
        spdlog::info("{}: on-demand asks {} (at most {} per client address and minute)", who,
                     handshake::redact_ask_url(flags.ask), flags.ask_rate_per_client);
    options.limits = flags.limits;
    options.limits.negative_ttl = std::chrono::seconds(flags.negative_ttl_s);
    options.wait = std::chrono::seconds(flags.wait_s);
    return options;
}

}  // namespace certa::cli
