// `certa store check` and `certa store path` (`store migrate`: StoreMigrateCommand.cpp).
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/ErrorReport.hpp"
#include "cli/OpenStore.hpp"
#include "cli/StoreMigrateCommand.hpp"
#include "storage/open/StorePath.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

int run_check(const GlobalOptions& g) {
    auto store = open_store(g);
    const int version = store->schema_version();
    const std::string integrity = store->integrity_check();
    const bool ok = integrity == "ok";
    if (g.json) {
        web::json::value v = web::json::value::object();
        v["location"] = web::json::value::string(store->location());
        v["schema_version"] = web::json::value::number(version);
        v["integrity"] = web::json::value::string(integrity);
        v["ok"] = web::json::value::boolean(ok);
        std::cout << v.serialize() << '\n';
    } else {
        std::cout << "store: " << store->location() << '\n'
                  << "schema version: " << version << '\n'
                  << "integrity: " << integrity << '\n';
    }
    std::cout.flush();
    if (!ok) {
        print_error_line("store integrity check failed for " + store->location());
        return to_int(ExitCode::Store);
    }
    return to_int(ExitCode::Ok);
}

int run_path(const GlobalOptions& g) {
    const std::string path = storage::printable_location(store_path(g));
    if (g.json) {
        web::json::value v = web::json::value::object();
        v["location"] = web::json::value::string(path);
        std::cout << v.serialize() << '\n';
    } else {
        std::cout << path << '\n';
    }
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_store_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    CLI::App* store = app.add_subcommand("store", "Inspect the certificate store");
    store->require_subcommand(1);
    CLI::App* check = store->add_subcommand(
        "check", "Open the store, run its integrity check and print the schema version (exit 3 if not ok)");
    set_action(check, action, [&g] { return run_check(g); });
    CLI::App* path = store->add_subcommand("path", "Print the store location certa would use");
    set_action(path, action, [&g] { return run_path(g); });
    register_store_migrate_command(*store, g, action);
}

}  // namespace certa::cli
