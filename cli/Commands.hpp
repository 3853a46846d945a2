// Command registry. Each command lives in its own file (cli/<Name>Command.cpp)
// and exposes one registration function declared here. To add a command:
//   1. declare `void register_<name>_command(CLI::App&, GlobalOptions&, CommandAction&);` below,
//   2. call it from cli/main.cpp (register_all), and
//   3. add cli/<Name>Command.cpp to cli_sources in cli/meson.build.
// A registration creates its subcommand(s) and, in the subcommand's callback
// (run by CLI11 after a successful parse), stores the function to run in
// `action` (use set_action below). main() sets up logging, then runs the action and maps
// any exception it throws to one line on stderr and an exit code (cli/ErrorReport.hpp).
#pragma once

#include "cli/ExitCode.hpp"
#include "cli/GlobalOptions.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace certa::cli {

// Runs the selected command; returns the process exit code (see ExitCode).
using CommandAction = std::function<int()>;

// Makes `sub` select `run` when it is the subcommand given on the command line.
inline void set_action(CLI::App* sub, CommandAction& action, CommandAction run) {
    sub->callback([&action, run = std::move(run)] { action = run; });
}

void register_store_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_list_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_show_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_export_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_account_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_issue_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_revoke_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_serve_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_renew_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_ondemand_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_metrics_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_check_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_import_command(CLI::App& app, GlobalOptions& g, CommandAction& action);
void register_worker_command(CLI::App& app, GlobalOptions& g, CommandAction& action);

// True when `certa check` was given: it exits with the monitoring-plugin
// codes, so a command line it cannot parse exits 3 (UNKNOWN), not 2.
bool check_command_selected(const CLI::App& app);

}  // namespace certa::cli
