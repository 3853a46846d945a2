// `certa account register|show|rollover|deactivate`: the ACME account for a
// CA (RFC 8555 §7.3), kept in the store. The account key never leaves the store.
#include "acme/protocol/AccountService.hpp"
#include "acme/protocol/Json.hpp"
#include "cli/AccountOptions.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "cli/TimeFormat.hpp"

#include <iostream>
#include <memory>

namespace certa::cli {

namespace {

struct AccountArgs {
    std::string server;
    std::string ca_bundle;
    std::vector<std::string> email;
    bool agree_tos = false;
    EabFlags eab;
    std::string key_type = "ES256";
    bool refresh = false;  // show: also ask the CA
};

acme::KeyAlg key_alg(const AccountArgs& args) {
    auto alg = acme::key_alg_from(args.key_type);
    if (!alg) throw CliError(ExitCode::Usage, "--account-key-type must be ES256, ES384 or RS256");
    return *alg;
}

acme::RegisterOptions register_options(AccountArgs& args) {
    acme::RegisterOptions options = make_register_options(args.email, args.agree_tos, args.eab);
    options.key_alg = key_alg(args);
    return options;
}

// The stored, usable account for --server, or NotFound.
storage::Account stored_account(storage::Store& store, const std::string& server) {
    auto account = store.find_account(server);
    if (!account || account->status != "valid")
        throw CliError(ExitCode::NotFound, "no registered account for " + server + " in the store (run 'certa account register')");
    return *account;
}

// Everything but the key.
void print_account(const storage::Account& a, bool json, const acme::AccountInfo* remote = nullptr) {
    if (json) {
        acme::json::Value v = acme::json::Value::object();
        v[U("id")] = acme::json::Value::number(static_cast<int64_t>(a.id));
        v[U("server")] = acme::json::string_value(a.server);
        v[U("url")] = acme::json::string_value(a.url);
        v[U("status")] = acme::json::string_value(remote ? remote->status : a.status);
        v[U("key_type")] = acme::json::string_value(a.key_type);
        v[U("contact")] = acme::json::string_value(a.contact);
        v[U("created")] = acme::json::string_value(iso8601_utc(a.created));
        std::cout << acme::json::serialize(v) << '\n';
        return;
    }
    std::cout << "Account #" << a.id << '\n'
              << "  Server:    " << a.server << '\n'
              << "  URL:       " << (a.url.empty() ? "(not registered)" : a.url) << '\n'
              << "  Status:    " << a.status << (remote ? " (CA: " + remote->status + ")" : std::string()) << '\n'
              << "  Key type:  " << a.key_type << '\n'
              << "  Contact:   " << (a.contact.empty() ? "(none)" : a.contact) << '\n'
              << "  Created:   " << iso8601_utc(a.created) << '\n';
}

acme::AcmeClient make_client(const AccountArgs& args) {
    acme::HttpOptions http;
    http.ca_bundle = args.ca_bundle;
    return acme::AcmeClient(args.server, http);
}

int run_register(const GlobalOptions& g, AccountArgs& args) {
    acme::RegisterOptions options = register_options(args);
    auto store = open_store(g);
    auto existing = store->find_account(args.server);
    if (existing && existing->status == "valid") {
        if (!g.json) std::cout << "Already registered:\n";
        print_account(*existing, g.json);
        return to_int(ExitCode::Ok);
    }
    auto client = make_client(args);
    // Resumes an interrupted registration (a stored key with status "new") too.
    storage::Account account = acme::ensure_account(*store, client, options);
    if (!g.json) std::cout << "Registered:\n";
    print_account(account, g.json);
    return to_int(ExitCode::Ok);
}

int run_show(const GlobalOptions& g, const AccountArgs& args) {
    auto store = open_store(g);
    if (args.server.empty()) {
        auto all = store->list_accounts();
        if (all.empty()) throw CliError(ExitCode::NotFound, "no accounts in the store");
        for (const auto& a : all) print_account(a, g.json);
        return to_int(ExitCode::Ok);
    }
    storage::Account account = stored_account(*store, args.server);
    if (args.refresh) {
        auto client = make_client(args);
        acme::AccountInfo info = acme::AccountService(*store, client).fetch(account);
        print_account(account, g.json, &info);
    } else {
        print_account(account, g.json);
    }
    return to_int(ExitCode::Ok);
}

int run_rollover(const GlobalOptions& g, const AccountArgs& args) {
    auto store = open_store(g);
    storage::Account account = stored_account(*store, args.server);
    auto client = make_client(args);
    storage::Account fresh = acme::AccountService(*store, client).rollover(account, key_alg(args));
    if (!g.json) std::cout << "Rolled over to a new " << fresh.key_type << " key:\n";
    print_account(fresh, g.json);
    return to_int(ExitCode::Ok);
}

int run_deactivate(const GlobalOptions& g, const AccountArgs& args) {
    auto store = open_store(g);
    storage::Account account = stored_account(*store, args.server);
    auto client = make_client(args);
    storage::Account gone = acme::AccountService(*store, client).deactivate(account);
    if (!g.json) std::cout << "Deactivated:\n";
    print_account(gone, g.json);
    return to_int(ExitCode::Ok);
}

void add_server_options(CLI::App* cmd, AccountArgs& args, bool server_required) {
    auto* server = cmd->add_option("--server", args.server, "ACME directory URL");
    if (server_required) server->required();
    cmd->add_option("--ca-bundle", args.ca_bundle, "PEM file with extra trust anchors for the CA's HTTPS (e.g. Pebble)");
}

}  // namespace

void register_account_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<AccountArgs>();
    CLI::App* account = app.add_subcommand("account", "Manage the ACME account kept in the store");
    account->require_subcommand(1);

    CLI::App* reg = account->add_subcommand("register", "Create (or resume creating) the account for a CA");
    add_server_options(reg, *args, true);
    reg->add_option("--email", args->email, "Contact address; repeatable");
    reg->add_flag("--agree-tos", args->agree_tos, "Agree to the CA's terms of service");
    add_eab_flags(reg, args->eab);
    reg->add_option("--account-key-type", args->key_type, "ES256 (default), ES384 or RS256")
        ->check(CLI::IsMember({"ES256", "ES384", "RS256"}, CLI::ignore_case));
    set_action(reg, action, [&g, args] { return run_register(g, *args); });

    CLI::App* show = account->add_subcommand("show", "Show the stored account(s) (never the key)");
    add_server_options(show, *args, false);
    show->add_flag("--refresh", args->refresh, "Also ask the CA for the account's current status");
    set_action(show, action, [&g, args] { return run_show(g, *args); });

    CLI::App* roll = account->add_subcommand("rollover", "Replace the account key (RFC 8555 §7.3.5)");
    add_server_options(roll, *args, true);
    roll->add_option("--account-key-type", args->key_type, "Type of the new key: ES256 (default), ES384 or RS256")
        ->check(CLI::IsMember({"ES256", "ES384", "RS256"}, CLI::ignore_case));
    set_action(roll, action, [&g, args] { return run_rollover(g, *args); });

    CLI::App* deact = account->add_subcommand("deactivate", "Deactivate the account at the CA (irreversible)");
    add_server_options(deact, *args, true);
    set_action(deact, action, [&g, args] { return run_deactivate(g, *args); });
}

}  // namespace certa::cli
