// Options every command shares. They are registered on the top-level app and
// may be given before or after the subcommand (`certa --json list` and
// `certa list --json` are the same). Commands must not redefine --store,
// --log-level or --json; read them from here.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace certa::cli {

struct GlobalOptions {
    std::string store;               // --store PATH (empty: $CERTA_STORE, then the default)
    std::string log_level = "info";  // --log-level trace|debug|info|warn|error|off
    bool json = false;               // --json: machine-readable output on stdout
    std::string program = "certa";   // argv[0] as invoked, for hints the user can run as printed
};

// Adds --store, --log-level, --json and --version to the top-level app.
void add_global_options(CLI::App& app, GlobalOptions& g);

// Opening the store the options select: see cli/OpenStore.hpp.

}  // namespace certa::cli
