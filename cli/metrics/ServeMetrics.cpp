#include "cli/metrics/ServeMetrics.hpp"

#include "cli/metrics/PrometheusText.hpp"
#include "cli/metrics/StoreMetricsText.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

namespace certa::cli {

namespace {

void append_handshakes(PrometheusText& out, const handshake::AgentStats& agent,
                       const handshake::ServeCounters& counters) {
    out.family("certa_handshakes_total", "counter",
               "TLS ClientHellos answered by the agent, by outcome: served (a leaf or the default), challenge "
               "(tls-alpn-01), unknown_name, no_challenge (acme-tls/1 without a pending challenge), error.");
    out.sample({{"outcome", "served"}}, agent.leaves);
    out.sample({{"outcome", "challenge"}}, agent.challenges);
    out.sample({{"outcome", "unknown_name"}}, agent.unknown_name);
    out.sample({{"outcome", "no_challenge"}}, agent.no_challenge);
    out.sample({{"outcome", "error"}}, agent.refused_other);
    out.family("certa_ondemand_handshakes_total", "counter",
               "Connections the on-demand gate held or refused: waited (for a new certificate), timed_out (of those, "
               "in vain), refused (policy, rate limit or full queue).");
    out.sample({{"outcome", "waited"}}, counters.on_demand_waited.load());
    out.sample({{"outcome", "timed_out"}}, counters.on_demand_timed_out.load());
    out.sample({{"outcome", "refused"}}, counters.on_demand_refused.load());
    out.family("certa_connections_closed_total", "counter",
               "Connections closed before a handshake: no_client_hello (none usable in time), over_limit "
               "(--max-connections reached, or the client's share), evicted (the oldest incomplete "
               "ClientHello, to admit a new connection to a full table).");
    out.sample({{"reason", "no_client_hello"}}, counters.dropped.load());
    out.sample({{"reason", "over_limit"}}, counters.over_limit.load());
    out.sample({{"reason", "evicted"}}, counters.evicted.load());
}

// How long the served snapshot has been out of date: 0 while the agent serves
// the store's current generation, else the seconds since the agent last read
// the store successfully (its snapshot was current then). A healthy agent
// stays below its poll interval; a stuck or failing one grows.
double reload_lag_seconds(std::int64_t loaded, std::int64_t store_generation,
                          std::chrono::steady_clock::time_point last_sync) {
    if (loaded >= store_generation) return 0.0;
    const auto behind = std::chrono::steady_clock::now() - last_sync;
    return std::chrono::duration<double>(behind).count();
}

}  // namespace

ServeMetrics::ServeMetrics(ServeMetricsSources sources, std::unique_ptr<storage::Store> store)
    : sources_(sources), store_(std::move(store)), reader_(*store_) {}

std::string ServeMetrics::render() {
    const handshake::AgentStats agent = sources_.agent.stats();
    const std::int64_t loaded = sources_.agent.generation();
    PrometheusText out;
    append_handshakes(out, agent, sources_.counters);
    out.single("certa_agent_loaded_generation", "gauge", "The store generation the agent serves.", loaded);
    out.family("certa_agent_reloads_total", "counter", "Reloads of the agent's index, by result.");
    out.sample({{"result", "ok"}}, agent.reloads);
    out.sample({{"result", "error"}}, agent.reload_errors);
    out.family("certa_ocsp_staples_total", "counter",
               "OCSP status requests answered with the stored response (stapled) or refused one past its "
               "nextUpdate (expired).");
    out.sample({{"result", "stapled"}}, static_cast<std::int64_t>(agent.ocsp_stapled));
    out.sample({{"result", "expired"}}, static_cast<std::int64_t>(agent.ocsp_expired));
    out.single("certa_agent_paused_handshakes_total", "counter",
               "Handshakes that paused while their certificate's row loaded on a loader thread (not held parsed, "
               "--cache-size); the io thread served other connections meanwhile.",
               static_cast<std::int64_t>(agent.paused));
    out.single("certa_agent_preparse_backlog", "gauge",
               "Certificates the background pre-parse has still to visit (0 once it is done; it parses into free "
               "room only, never evicting what handshakes loaded).",
               static_cast<std::int64_t>(agent.preparse_backlog));
    out.single("certa_maintenance_requests_total", "counter",
               "Renewals and OCSP refreshes queued at handshake time (at most one per certificate per 10 minutes).",
               static_cast<std::int64_t>(agent.maintenance_queued));
    if (sources_.gate) {
        out.single("certa_ondemand_queue_length", "gauge",
                   "On-demand jobs (store writes, --ask checks) waiting in this process.",
                   static_cast<std::int64_t>(sources_.gate->stats().queued));
    }

    std::lock_guard lock(mutex_);
    bool store_up = false;
    try {
        const StoreMetrics& store = reader_.read();  // the only step that throws
        out.family("certa_agent_reload_lag_seconds", "gauge",
                   "0 while the agent serves the store's current generation, else seconds since its last "
                   "successful store read.");
        out.sample({}, reload_lag_seconds(loaded, store.generation, agent.last_sync));
        append_store_metrics(out, store);
        store_up = true;
    } catch (const std::exception& e) {
        spdlog::warn("metrics: cannot read the store: {}", e.what());
    }
    out.single("certa_store_up", "gauge", "1 when the store could be read for this scrape.", store_up ? 1 : 0);
    return out.text();
}

}  // namespace certa::cli
