// Everything `certa serve --metrics` exposes: the Agent's handshake outcomes,
// the daemon's connection and on-demand counters, the loaded generation and
// the reload lag, then the store-derived families (StoreMetricsText) read
// through the endpoint's own store connection.
#pragma once

#include "cli/metrics/StoreMetrics.hpp"
#include "handshake/agent/Agent.hpp"
#include "handshake/ondemand/OnDemandGate.hpp"
#include "handshake/serve/ServeCounters.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace certa::cli {

struct ServeMetricsSources {
    const handshake::Agent& agent;
    const handshake::ServeCounters& counters;
    const handshake::OnDemandGate* gate = nullptr;  // null without --on-demand
};

class ServeMetrics {
public:
    // Every source must outlive this object; `store` is its own connection.
    ServeMetrics(ServeMetricsSources sources, std::unique_ptr<storage::Store> store);

    // One scrape. Thread-safe. A store that cannot be read only drops the
    // store-derived families (certa_store_up 0); the counters are always there.
    std::string render();

private:
    ServeMetricsSources sources_;
    std::mutex mutex_;  // guards store_ and reader_
    std::unique_ptr<storage::Store> store_;
    StoreMetricsReader reader_;
};

}  // namespace certa::cli
