// `certa list`: every active certificate in the store.
#include "cli/CertificateView.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "cli/TextTable.hpp"
#include "cli/TimeFormat.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

struct ListOptions {
    bool all = false;
};

int run_list(const GlobalOptions& g, const ListOptions& options) {
    auto store = open_store(g);
    storage::CertificateFilter filter;
    filter.include_inactive = options.all;
    filter.columns = storage::CertificateColumns::WithoutKey;  // never shown
    const auto rows = store->list_certificates(filter);
    if (g.json) {
        std::vector<web::json::value> items;
        for (const auto& cert : rows) items.push_back(certificate_summary_json(cert));
        web::json::value v = web::json::value::object();
        v["store"] = web::json::value::string(store->location());
        v["certificates"] = web::json::value::array(items);
        std::cout << v.serialize() << '\n';
        return to_int(ExitCode::Ok);
    }
    if (rows.empty()) {
        std::cout << "no certificates in " << store->location() << '\n';
        return to_int(ExitCode::Ok);
    }
    TextTable table({"ID", "NAMES", "NOT AFTER", "ISSUER", "CA", "STATUS", "RENEW AT", "LAST ERROR"});
    for (const auto& cert : rows) {
        std::string issuer = leaf_issuer(cert.chain_pem);
        if (issuer.empty()) issuer = cert.server;
        table.add_row({std::to_string(cert.id), join_names(cert.names), iso8601_utc(cert.not_after),
                       issuer, cert.server.empty() ? "-" : cert.server, storage::to_string(cert.status), iso8601_utc(cert.renew_at),
                       cert.last_error});
    }
    table.print(std::cout);
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_list_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<ListOptions>();
    CLI::App* list = app.add_subcommand("list", "List the certificates in the store");
    list->add_flag("--all", options->all, "Include replaced and revoked certificates");
    set_action(list, action, [&g, options] { return run_list(g, *options); });
}

}  // namespace certa::cli
