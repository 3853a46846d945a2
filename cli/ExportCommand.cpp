// `certa export NAME --dir D`: writes cert.pem, chain.pem, fullchain.pem and
// privkey.pem, each replaced atomically, and remembers D for `certa renew`.
#include "acme/renew/CertificateExport.hpp"
#include "cli/CertificateLookup.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

struct ExportOptions {
    std::string name;
    std::string dir;
};

int run_export(const GlobalOptions& g, const ExportOptions& options) {
    auto store = open_store(g);
    const auto cert = find_certificate(*store, options.name);
    const std::filesystem::path dir(options.dir);
    acme::write_certificate_files(cert, dir);
    // `certa renew` rewrites every directory a certificate was exported to.
    acme::remember_export_dir(*store, cert, dir);
    store->add_event("exported", cert.id, "to " + dir.string());
    if (g.json) {
        web::json::value v = web::json::value::object();
        v["id"] = web::json::value::number(static_cast<int64_t>(cert.id));
        v["dir"] = web::json::value::string(dir.string());
        std::vector<web::json::value> files;
        for (const char* f : {"cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"})
            files.push_back(web::json::value::string((dir / f).string()));
        v["files"] = web::json::value::array(files);
        std::cout << v.serialize() << '\n';
    } else {
        std::cout << "exported certificate #" << cert.id << " to " << dir.string()
                  << ": cert.pem chain.pem fullchain.pem privkey.pem\n";
    }
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_export_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<ExportOptions>();
    CLI::App* exp = app.add_subcommand("export", "Write a certificate, its chain and its key as PEM files");
    exp->add_option("NAME", options->name, "A name (identifier) of the certificate")->required();
    exp->add_option("--dir", options->dir, "Target directory (created 0700 if missing)")
        ->required()
        ->type_name("DIR");
    set_action(exp, action, [&g, options] { return run_export(g, *options); });
}

}  // namespace certa::cli
