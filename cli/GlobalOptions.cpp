#include "cli/GlobalOptions.hpp"

namespace certa::cli {

void add_global_options(CLI::App& app, GlobalOptions& g) {
    // Let options of the top-level app appear after the subcommand as well.
    app.fallthrough(true);
    app.set_version_flag("--version", std::string("certa ") + CERTA_VERSION);
    app.add_option("--store", g.store,
                   "Store location: an SQLite file path or a postgresql:// URL; default: $CERTA_STORE, then the per-user path")
        ->type_name("PATH");
    app.add_option("--log-level", g.log_level, "Log verbosity on stderr")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->type_name("LEVEL");
    app.add_flag("--json", g.json, "Machine-readable JSON output on stdout");
}

}  // namespace certa::cli
