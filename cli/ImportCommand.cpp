// `certa import certbot [DIR]`, `certa import lego [DIR]` and `certa import
// --cert FULLCHAIN --key KEY`: brings another client's accounts (same key,
// same account URL: nothing is registered), certificates and renewal
// settings into the store in one transaction, so that `certa renew`
// continues where that client stopped. Readers live in acme/import/.
#include "acme/import/CertbotImport.hpp"
#include "acme/import/FileImport.hpp"
#include "acme/import/ImportOverrides.hpp"
#include "acme/import/LegoImport.hpp"
#include "acme/import/StoreImport.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/ImportOutput.hpp"
#include "cli/OpenStore.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/pg/ConnectionString.hpp"

#include <sys/stat.h>

#include <map>
#include <memory>

namespace certa::cli {

namespace {

struct ImportArgs {
    CLI::App* certbot = nullptr;
    CLI::App* lego = nullptr;
    std::string certbot_dir = "/etc/letsencrypt";
    std::string lego_dir = ".lego";
    bool dry_run = false;
    bool no_export = false;
    std::string email;
    acme::FileImportOptions files;
    acme::ImportOverrides overrides;
    // Given on the command line (CLI11 fills plain values; these say which were).
    std::string server, ca_bundle, challenge, http_address, webroot, dns_hook, deploy_hook, preferred_chain;
    std::uint16_t http_port = 0, tls_port = 0;
    std::map<std::string, CLI::Option*> given;

    bool has(const char* name) const { return given.at(name)->count() > 0; }
};

void collect_overrides(ImportArgs& a) {
    auto& o = a.overrides;
    if (a.has("--ca-bundle")) o.ca_bundle = a.ca_bundle;
    if (a.has("--challenge")) o.challenge = a.challenge;
    if (a.has("--http-address")) o.http_address = a.http_address;
    if (a.has("--webroot")) o.webroot = a.webroot;
    if (a.has("--dns-hook")) o.dns_hook = a.dns_hook;
    if (a.has("--deploy-hook")) o.deploy_hook = a.deploy_hook;
    if (a.has("--preferred-chain")) o.preferred_chain = a.preferred_chain;
    if (a.has("--http-port")) o.http_port = a.http_port;
    if (a.has("--tls-port")) o.tls_port = a.tls_port;
}

acme::ImportPlan read_plan(ImportArgs& a) {
    const bool certbot = a.certbot->parsed(), lego = a.lego->parsed();
    const bool files = !a.files.cert.empty() || !a.files.key.empty();
    if (certbot + lego + files != 1)
        throw CliError(ExitCode::Usage, "give one source: 'certa import certbot [DIR]', 'certa import lego [DIR]' "
                                        "or 'certa import --cert FULLCHAIN --key KEY'");
    if (files && (a.files.cert.empty() || a.files.key.empty()))
        throw CliError(ExitCode::Usage, "--cert and --key go together");
    if (!files && (!a.files.chain.empty() || !a.files.names.empty()))
        throw CliError(ExitCode::Usage, "--chain and --name apply to 'certa import --cert/--key' only");
    if (certbot && a.has("--server"))
        throw CliError(ExitCode::Usage, "--server does not apply to certbot: each renewal conf names its CA");
    if (!lego && !a.email.empty()) throw CliError(ExitCode::Usage, "--email applies to 'certa import lego' only");
    if (!certbot && a.no_export) throw CliError(ExitCode::Usage, "--no-export applies to 'certa import certbot' only");
    if (certbot) return acme::read_certbot(a.certbot_dir, {!a.no_export});
    if (lego) return acme::read_lego(a.lego_dir, {a.server, a.email});
    if (a.has("--server")) a.overrides.server = a.server;
    return acme::read_cert_files(a.files);
}

// A dry run neither creates nor migrates the store: a missing SQLite file is an empty store.
std::unique_ptr<storage::Store> open_for(const GlobalOptions& g, bool dry_run) {
    if (!dry_run) return open_store(g);
    const std::string path = store_path(g);
    struct stat st {};
    if (!storage::pg::is_postgres_url(path) && ::stat(path.c_str(), &st) != 0) return nullptr;
    storage::OpenOptions options;
    options.create = false;
    options.read_only = true;
    return open_store(g, options);
}

// --cert/--key with --server: renewed with the store's account for that CA.
void attach_account(storage::Store* store, acme::ImportPlan& plan, const std::string& server) {
    auto row = store ? store->find_account(server) : std::nullopt;
    if (!row || row->status != "valid" || row->url.empty())
        throw CliError(ExitCode::NotFound, "no registered account for " + server +
                                               " in the store: run 'certa account register --server " + server +
                                               "' first, or import without --server");
    for (auto& cert : plan.certificates) cert.input.account_id = row->id;
}

int run_import(const GlobalOptions& g, ImportArgs& a) {
    collect_overrides(a);
    acme::ImportPlan plan = read_plan(a);
    acme::apply_overrides(plan, a.overrides);
    auto store = open_for(g, a.dry_run);
    if (a.overrides.server) attach_account(store.get(), plan, *a.overrides.server);
    const acme::ImportReport report = acme::import_plan(store.get(), plan, a.dry_run);
    print_import_report(report, g.json);
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_import_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<ImportArgs>();
    auto& a = *args;
    CLI::App* cmd = app.add_subcommand(
        "import", "Bring certbot's or lego's accounts, certificates and renewal settings (or one PEM certificate) into the store");
    cmd->fallthrough();
    a.certbot = cmd->add_subcommand("certbot", "Import certbot's accounts and lineages (default /etc/letsencrypt)");
    a.certbot->add_option("DIR", a.certbot_dir, "certbot's config dir")->type_name("DIR");
    a.lego = cmd->add_subcommand("lego", "Import lego's accounts and certificates (default ./.lego)");
    a.lego->add_option("DIR", a.lego_dir, "lego's --path dir")->type_name("DIR");
    cmd->add_flag("--dry-run", a.dry_run, "Show what would be imported; write nothing");
    cmd->add_option("--cert", a.files.cert, "PEM certificate (leaf first, then its issuers)")->type_name("FULLCHAIN");
    cmd->add_option("--key", a.files.key, "PEM private key of --cert")->type_name("KEY");
    cmd->add_option("--chain", a.files.chain, "PEM issuers, appended to --cert")->type_name("CHAIN");
    cmd->add_option("--name", a.files.names, "With --cert: index it under NAME only (in its SAN); repeatable");
    cmd->add_flag("--no-export", a.no_export, "certbot: leave live/ and archive/ alone when certa renews (default: a new archive/NAME version, live/NAME re-pointed)");
    cmd->add_option("--email", a.email, "lego: import only this account");
    a.given["--server"] = cmd->add_option("--server", a.server, "lego, --cert: the CA's ACME directory URL");
    a.given["--ca-bundle"] = cmd->add_option("--ca-bundle", a.ca_bundle, "PEM trust anchors for the CA's HTTPS (e.g. Pebble)");
    a.given["--challenge"] = cmd->add_option("--challenge", a.challenge, "Renew with " + storage::challenge_type_help())
                                 ->check(CLI::IsMember(storage::challenge_type_names()));
    a.given["--http-port"] = cmd->add_option("--http-port", a.http_port, "Renew: standalone http-01 port");
    a.given["--http-address"] = cmd->add_option("--http-address", a.http_address, "Renew: address the responders bind");
    a.given["--webroot"] = cmd->add_option("--webroot", a.webroot, "Renew: http-01 files under DIR/.well-known/acme-challenge/");
    a.given["--tls-port"] = cmd->add_option("--tls-port", a.tls_port, "Renew: tls-alpn-01 responder port");
    a.given["--dns-hook"] = cmd->add_option("--dns-hook", a.dns_hook, "Renew: dns-01 hook 'CMD add|remove FQDN VALUE'");
    a.given["--deploy-hook"] = cmd->add_option("--deploy-hook", a.deploy_hook, "Renew: command run after each renewal");
    a.given["--preferred-chain"] = cmd->add_option("--preferred-chain", a.preferred_chain, "Renew: preferred chain's top issuer CN");
    cmd->add_flag("--agree-tos", a.overrides.agree_tos, "Agree to the CA's terms if a renewal must register a new account");
    set_action(cmd, action, [&g, args] { return run_import(g, *args); });
}

}  // namespace certa::cli
