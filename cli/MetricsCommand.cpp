// `certa metrics [--textfile PATH]`: the store-derived metrics (the same
// families `certa serve --metrics` exposes, without the handshake counters)
// on stdout, or written atomically to PATH for node_exporter's textfile
// collector.
#include "acme/files/AtomicFile.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "cli/metrics/PrometheusText.hpp"
#include "cli/metrics/StoreMetricsText.hpp"

#include <filesystem>
#include <iostream>

namespace certa::cli {

namespace {

struct MetricsOptions {
    std::string textfile;
};

int run_metrics(const GlobalOptions& g, const MetricsOptions& options) {
    storage::OpenOptions open_options;
    open_options.create = false;  // a missing store is an error, not an empty one
    auto store = open_store(g, open_options);
    StoreMetricsReader reader(*store);
    PrometheusText out;
    append_store_metrics(out, reader.read());
    if (options.textfile.empty()) {
        std::cout << out.text() << std::flush;
        return to_int(ExitCode::Ok);
    }
    // A temp file in the same directory, renamed over PATH: the collector
    // never reads half a file (its name, .NAME.tmp-XXXXXX, does not end in .prom).
    const std::filesystem::path path(options.textfile);
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    acme::write_file_atomic(acme::SafeDirectory::open(dir, false), path.filename().string(), out.text(),
                            0644);  // holds no secret
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_metrics_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<MetricsOptions>();
    CLI::App* metrics = app.add_subcommand(
        "metrics", "Print the store's certificate metrics in the Prometheus text format (expiry, renewal, deploy state)");
    metrics->add_option("--textfile", options->textfile,
                        "Write them atomically to PATH (mode 0644) for node_exporter's textfile collector")
        ->check([](const std::string& value) {
            return std::filesystem::path(value).filename().empty() ? std::string("PATH must name a file") : std::string();
        });
    set_action(metrics, action, [&g, options] { return run_metrics(g, *options); });
}

}  // namespace certa::cli
