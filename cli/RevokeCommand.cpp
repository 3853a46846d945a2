// `certa revoke NAME | --cert FILE [--key FILE | --use-cert-key] [--reason N]`
// (RFC 8555 §7.6). Signed by the stored account key by default, or by the
// certificate's own key (--key FILE, or the stored key with --use-cert-key).
// A stored certificate is marked revoked and a "revoked" event is logged.
#include "acme/issue/Revoker.hpp"
#include "acme/protocol/AccountService.hpp"
#include "acme/request/IssueSettings.hpp"
#include "cli/CertificateLookup.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "storage/CertificateParser.hpp"
#include "storage/base/OpenSsl.hpp"

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace certa::cli {

namespace {

struct RevokeArgs {
    std::string name;
    std::string cert_file;
    std::string key_file;
    bool use_cert_key = false;
    std::optional<int> reason;
    std::string server;
    std::string ca_bundle;
};

std::string read_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CliError(ExitCode::LocalIo, std::string("cannot read ") + what + " " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The stored row whose leaf has this serial (any status), if any.
std::optional<storage::CertificateRecord> stored_by_serial(storage::Store& store, const std::string& serial) {
    storage::CertificateFilter all;
    all.include_inactive = true;
    all.columns = storage::CertificateColumns::Summary;  // the key of the one row found is read below
    for (const auto& row : store.list_certificates(all))
        if (row.serial_hex == serial) return store.get_certificate(row.id);
    return std::nullopt;
}

int run_revoke(const GlobalOptions& g, const RevokeArgs& args) {
    if (args.name.empty() == args.cert_file.empty()) throw CliError(ExitCode::Usage, "give either NAME or --cert FILE");
    if (args.use_cert_key && !args.key_file.empty()) throw CliError(ExitCode::Usage, "--key and --use-cert-key exclude each other");
    if (args.reason && !acme::valid_revocation_reason(*args.reason))
        throw CliError(ExitCode::Usage, "--reason must be an RFC 5280 reason code: 0-6, 8-10");

    auto store = open_store(g);
    std::optional<storage::CertificateRecord> record;
    std::string chain_pem;
    if (!args.name.empty()) {
        record = find_certificate(*store, args.name);
        chain_pem = record->chain_pem;
    } else {
        chain_pem = read_file(args.cert_file, "certificate");
    }
    auto chain = ossl::parse_chain_pem(chain_pem);
    if (chain.empty()) throw CliError(ExitCode::LocalIo, "no PEM certificate in " + args.cert_file);
    const std::string serial = storage::serial_hex(chain.front().get());
    if (!record) record = stored_by_serial(*store, serial);

    acme::IssueSettings settings;
    if (record && !record->settings_json.empty()) settings = acme::IssueSettings::from_json(record->settings_json);
    const std::string server = !args.server.empty() ? args.server : record ? record->server : settings.server;
    if (server.empty()) throw CliError(ExitCode::Usage, "the certificate is not in the store: give --server URL");
    acme::AcmeClient client(server, acme::HttpOptions{args.ca_bundle.empty() ? settings.ca_bundle : args.ca_bundle});
    acme::Revoker revoker(client);
    const std::string der = ossl::to_der(chain.front().get());

    std::string by;
    if (!args.key_file.empty() || args.use_cert_key) {
        std::string key_pem;
        if (args.use_cert_key) {
            if (!record) throw CliError(ExitCode::NotFound, "--use-cert-key: the certificate is not in the store");
            key_pem = record->key_pem;
        } else {
            key_pem = read_file(args.key_file, "key");
        }
        revoker.revoke_with_certificate_key(der, acme::AccountKey::from_pem(key_pem), args.reason);
        by = "certificate key";
    } else {
        std::optional<storage::Account> account;
        if (record && record->account_id != 0) account = store->get_account(record->account_id);
        if (!account) account = store->find_account(server);
        if (!account || account->url.empty())
            throw CliError(ExitCode::NotFound, "no account for " + server + " in the store (use --key FILE)");
        acme::AccountService(*store, client).use(*account);
        revoker.revoke_with_account_key(der, args.reason);
        by = "account key";
    }

    const std::string detail = "serial " + serial + "; by " + by + "; reason " +
                               (args.reason ? std::to_string(*args.reason) : std::string("unspecified"));
    if (record) {
        store->set_certificate_status(record->id, storage::CertificateStatus::Revoked);
        store->add_event("revoked", record->id, detail);
    }
    if (g.json) {
        std::cout << "{\"revoked\":true,\"serial\":\"" << serial << "\",\"certificate_id\":" << (record ? record->id : 0)
                  << "}\n";
    } else {
        std::cout << "Revoked certificate " << (record ? "#" + std::to_string(record->id) + " " : std::string())
                  << "(" << detail << ")\n";
    }
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_revoke_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<RevokeArgs>();
    CLI::App* cmd = app.add_subcommand("revoke", "Revoke a certificate (by the account key unless --key/--use-cert-key)");
    cmd->add_option("name", args->name, "Name of a stored certificate");
    cmd->add_option("--cert", args->cert_file, "PEM file of the certificate to revoke (instead of NAME)");
    cmd->add_option("--key", args->key_file, "Sign with this certificate private key (PEM) instead of the account key");
    cmd->add_flag("--use-cert-key", args->use_cert_key, "Sign with the stored certificate key");
    cmd->add_option("--reason", args->reason, "RFC 5280 reason code (0-6, 8-10)");
    cmd->add_option("--server", args->server, "ACME directory URL (default: the one the certificate came from)");
    cmd->add_option("--ca-bundle", args->ca_bundle, "PEM file with extra trust anchors for the CA's HTTPS");
    set_action(cmd, action, [&g, args] { return run_revoke(g, *args); });
}

}  // namespace certa::cli
