// `certa store migrate --from PATH_OR_URL --to PATH_OR_URL`: copies a whole
// store between backends (SQLite file <-> PostgreSQL URL) and verifies it.
#pragma once

#include "cli/Commands.hpp"

namespace certa::cli {

// Adds the `migrate` subcommand under `certa store`.
void register_store_migrate_command(CLI::App& store, GlobalOptions& g, CommandAction& action);

}  // namespace certa::cli
