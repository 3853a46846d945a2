// `certa check [--warn-days N]`: a monitoring plugin (Nagios, Icinga, Sensu,
// ...). One summary line on stdout and the plugin exit codes: 0 OK,
// 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the store cannot be used). These are its
// own codes, not certa's usual ones (see README, "Exit codes").
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "cli/metrics/CertificateCheck.hpp"
#include "cli/metrics/StoreMetrics.hpp"

#include <exception>
#include <iostream>

namespace certa::cli {

namespace {

struct CheckOptions {
    int warn_days = 14;
};

int run_check(const GlobalOptions& g, const CheckOptions& options) {
    CheckResult result;
    try {
        storage::OpenOptions open_options;
        open_options.create = false;  // a missing store is UNKNOWN, never a new empty one
        auto store = open_store(g, open_options);
        StoreMetricsReader reader(*store);
        result = check_certificates(reader.read().certificates, storage::unix_now(), options.warn_days);
    } catch (const std::exception& e) {
        result = check_unknown(e.what());
    }
    std::cout << result.line << '\n' << std::flush;
    return static_cast<int>(result.state);
}

}  // namespace

// A command line `certa check` cannot parse exits UNKNOWN too (main.cpp asks this).
bool check_command_selected(const CLI::App& app) {
    for (const CLI::App* sub : app.get_subcommands())
        if (sub->get_name() == "check") return true;
    return false;
}

void register_check_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<CheckOptions>();
    CLI::App* check = app.add_subcommand(
        "check", "Monitoring-plugin check of the store's certificates: one line, exit 0 OK, 1 WARNING, "
                 "2 CRITICAL, 3 UNKNOWN");
    check->add_option("--warn-days", options->warn_days,
                      "WARNING when a certificate expires within N days (default 14)")
        ->check(CLI::Range(0, 3650));
    set_action(check, action, [&g, options] { return run_check(g, *options); });
}

}  // namespace certa::cli
