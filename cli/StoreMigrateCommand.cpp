#include "cli/StoreMigrateCommand.hpp"

#include "cli/OpenStore.hpp"
#include "storage/copy/StoreCopy.hpp"

#include <cpprest/json.h>

#include <iostream>
#include <memory>

namespace certa::cli {

namespace {

struct MigrateOptions {
    std::string from;  // empty: the store the global options select
    std::string to;
};

int run_migrate(const GlobalOptions& g, const MigrateOptions& options) {
    const std::string from = options.from.empty() ? store_path(g) : options.from;
    auto report = storage::copy::copy_store(from, options.to);
    if (g.json) {
        web::json::value v = web::json::value::object();
        v["from"] = web::json::value::string(report.from);
        v["to"] = web::json::value::string(report.to);
        web::json::value tables = web::json::value::object();
        for (const auto& t : report.tables) tables[t.table] = web::json::value::number(t.target);
        v["rows"] = tables;
        v["certificates_verified"] = web::json::value::number(static_cast<std::uint64_t>(report.certificates_verified));
        v["ok"] = web::json::value::boolean(true);
        std::cout << v.serialize() << '\n';
    } else {
        std::cout << "copied " << report.from << " -> " << report.to << '\n';
        for (const auto& t : report.tables) std::cout << "  " << t.table << ": " << t.target << " rows\n";
        std::cout << "verified: row counts, counters, " << report.certificates_verified << " certificate hashes\n";
    }
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_store_migrate_command(CLI::App& store, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<MigrateOptions>();
    CLI::App* migrate = store.add_subcommand(
        "migrate", "Copy every table into a new, empty store (SQLite path or postgresql:// URL) and verify the copy");
    migrate->add_option("--from", options->from, "Source store (default: the store --store selects)");
    migrate->add_option("--to", options->to, "Target store: a new SQLite path or an empty PostgreSQL database")
        ->required();
    set_action(migrate, action, [&g, options] { return run_migrate(g, *options); });
}

}  // namespace certa::cli
