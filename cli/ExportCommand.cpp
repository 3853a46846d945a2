// `certa export NAME --dir D`: writes cert.pem, chain.pem, fullchain.pem and
// privkey.pem, each replaced atomically, and remembers D for `certa renew`.
// `--layout certbot [--dir /etc/letsencrypt]`: certbot's live/NAME symlinks
// into archive/NAME versions (acme/deploy/CertbotLayout), remembered likewise;
// NAME is the certificate's recorded lineage (certa import certbot), else its
// primary name.
#include "acme/deploy/CertbotLayout.hpp"
#include "acme/deploy/CertificateExport.hpp"
#include "acme/request/IssueSettings.hpp"
#include "cli/CertificateLookup.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

constexpr const char* kCertbotDefaultDir = "/etc/letsencrypt";

struct ExportOptions {
    std::string name;
    std::string dir;
    std::string layout = "plain";
};

int run_export(const GlobalOptions& g, const ExportOptions& options) {
    const bool certbot = options.layout == "certbot";
    if (!certbot && options.dir.empty()) throw CliError(ExitCode::Usage, "export: --dir DIR is required");
    auto store = open_store(g);
    const auto cert = find_certificate(*store, options.name);
    const std::filesystem::path dir(options.dir.empty() ? kCertbotDefaultDir : options.dir);
    std::filesystem::path files_dir = dir;
    std::string detail;
    if (certbot) {
        // The lineage recorded with the certificate (an imported certbot lineage's own name).
        const std::string lineage =
            cert.settings_json.empty() ? "" : acme::IssueSettings::from_json(cert.settings_json).certbot_lineage;
        const acme::CertbotExport written = acme::write_certbot_lineage(cert, dir, lineage);
        files_dir = written.live_dir;
        detail = " (certbot layout, version " + std::to_string(written.version) +
                 (written.new_version ? "" : ", unchanged") + ")";
    } else {
        acme::write_certificate_files(cert, dir);
    }
    // `certa renew` rewrites every directory a certificate was exported to, in its layout.
    acme::remember_export_dir(*store, cert, dir, certbot ? acme::ExportLayout::Certbot : acme::ExportLayout::Plain);
    store->add_event("exported", cert.id, "to " + dir.string() + detail);
    if (g.json) {
        web::json::value v = web::json::value::object();
        v["id"] = web::json::value::number(static_cast<int64_t>(cert.id));
        v["dir"] = web::json::value::string(dir.string());
        v["layout"] = web::json::value::string(options.layout);
        std::vector<web::json::value> files;
        for (const char* f : {"cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"})
            files.push_back(web::json::value::string((files_dir / f).string()));
        v["files"] = web::json::value::array(files);
        std::cout << v.serialize() << '\n';
    } else {
        std::cout << "exported certificate #" << cert.id << " to " << files_dir.string() << detail
                  << ": cert.pem chain.pem fullchain.pem privkey.pem\n";
    }
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_export_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<ExportOptions>();
    CLI::App* exp = app.add_subcommand("export", "Write a certificate, its chain and its key as PEM files");
    exp->add_option("NAME", options->name, "A name (identifier) of the certificate")->required();
    exp->add_option("--dir", options->dir,
                    "Target directory (created 0700 if missing); with --layout certbot the config dir "
                    "(default /etc/letsencrypt)")
        ->type_name("DIR");
    exp->add_option("--layout", options->layout,
                    "plain (default: the four files in DIR) or certbot (DIR/live/NAME links into DIR/archive/NAME)")
        ->check(CLI::IsMember({"plain", "certbot"}));
    set_action(exp, action, [&g, options] { return run_export(g, *options); });
}

}  // namespace certa::cli
